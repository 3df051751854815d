package main

import (
	"context"
	"log/slog"
	"sync/atomic"

	"easel/app"
	"easel/app/desktop"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// runWindow opens the store and runs the Easel window until it is closed.
func runWindow(dataFlag string, workers int, backends []app.Backend, log *slog.Logger) error {
	db, err := openStore(dataFlag, log)
	if err != nil {
		return err
	}
	defer db.Close()

	svc := newServices(db, workers, backends, log)
	rt := &wailsRuntime{}
	session := desktop.NewSession(desktop.Services{
		Auth: svc.auth, Users: svc.users, Boards: svc.boards, Images: svc.images,
		Queue: svc.queue, Settings: svc.settings, Broker: svc.events, Workflows: workflows(), Library: svc.library,
		Presets: svc.presets, Generation: svc.generation,
	}, desktop.WithRuntime(rt), desktop.WithLog(log)) // panics, with their stacks, go to Easel's log
	return wails.Run(&options.App{
		Title:     "Easel",
		Width:     1280,
		Height:    820,
		MinWidth:  900,
		MinHeight: 600,
		AssetServer: &assetserver.Options{
			Assets:  frontend(),
			Handler: session, // images and thumbnails, for the window's session only
		},
		DragAndDrop:      &options.DragAndDrop{EnableFileDrop: true},
		BackgroundColour: &options.RGBA{R: 246, G: 245, B: 242, A: 255},
		OnStartup: func(ctx context.Context) {
			rt.started(ctx)
			session.Start(ctx)
			if err := svc.start(ctx); err != nil {
				log.Error("the render queue could not start", "err", err)
			}
			log.Info("window started", "data", db.Dir())
		},
		OnShutdown: func(context.Context) { svc.stop() },
		Bind:       session.Bindings(),
		Linux: &linux.Options{
			ProgramName:      "easel",
			WebviewGpuPolicy: linux.WebviewGpuPolicyOnDemand,
		},
	})
}

// wailsRuntime is the window session's desktop.Runtime: events and native
// dialogs through the Wails runtime. Wails hands over the context those
// calls need only in OnStartup, after the session is built and its methods
// bound, so that context is the one part that comes late, and it is kept
// here, in the adapter to Wails, rather than set on the session. Before it
// comes there is no page to tell and no window to show a dialog over.
type wailsRuntime struct {
	ctx atomic.Pointer[context.Context]
}

// started keeps the window's context, from OnStartup.
func (r *wailsRuntime) started(ctx context.Context) { r.ctx.Store(&ctx) }

func (r *wailsRuntime) Emit(name string, data ...any) {
	if ctx := r.ctx.Load(); ctx != nil {
		wailsruntime.EventsEmit(*ctx, name, data...)
	}
}

func (r *wailsRuntime) OpenImages() ([]string, error) {
	ctx := r.ctx.Load()
	if ctx == nil {
		return nil, nil
	}
	return wailsruntime.OpenMultipleFilesDialog(*ctx, wailsruntime.OpenDialogOptions{
		Title:   "Import images",
		Filters: []wailsruntime.FileFilter{{DisplayName: "Images (PNG, JPEG, WebP)", Pattern: "*.png;*.jpg;*.jpeg;*.webp"}},
	})
}

func (r *wailsRuntime) OpenWorkflowFile() (string, error) {
	ctx := r.ctx.Load()
	if ctx == nil {
		return "", nil
	}
	return wailsruntime.OpenFileDialog(*ctx, wailsruntime.OpenDialogOptions{
		Title:   "Import a workflow",
		Filters: []wailsruntime.FileFilter{{DisplayName: "Workflow files (Easel, InvokeAI)", Pattern: "*.json"}},
	})
}

func (r *wailsRuntime) OpenFile(as desktop.OpenAs) (string, error) {
	ctx := r.ctx.Load()
	if ctx == nil {
		return "", nil
	}
	return wailsruntime.OpenFileDialog(*ctx, wailsruntime.OpenDialogOptions{
		Title:   as.Title,
		Filters: []wailsruntime.FileFilter{{DisplayName: as.Kind, Pattern: as.Pattern}},
	})
}

func (r *wailsRuntime) SaveFile(as desktop.SaveAs) (string, error) {
	ctx := r.ctx.Load()
	if ctx == nil {
		return "", nil
	}
	return wailsruntime.SaveFileDialog(*ctx, wailsruntime.SaveDialogOptions{
		Title:           as.Title,
		DefaultFilename: as.Name,
		Filters:         []wailsruntime.FileFilter{{DisplayName: as.Kind, Pattern: as.Pattern}},
	})
}
