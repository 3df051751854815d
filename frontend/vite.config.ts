import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The same dist is served by the Wails asset server and by `easel serve`,
// both at "/", so every asset URL is relative.
export default defineConfig({
  base: './',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  // `EASEL_API=http://127.0.0.1:PORT npm run dev` proxies /api to a running `easel serve`.
  server: process.env.EASEL_API ? { proxy: { '/api': process.env.EASEL_API } } : {},
});
