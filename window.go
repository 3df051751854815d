package main

import (
	"context"
	"log/slog"

	"easel/app/desktop"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// runWindow opens the store and runs the Easel window until it is closed.
func runWindow(dataFlag string, workers int, log *slog.Logger) error {
	db, err := openStore(dataFlag)
	if err != nil {
		return err
	}
	defer db.Close()

	svc := newServices(db, workers, log)
	session := desktop.NewSession(desktop.Services{
		Auth: svc.auth, Users: svc.users, Boards: svc.boards, Images: svc.images,
		Queue: svc.queue, Settings: svc.settings, Broker: svc.events, Workflows: workflows(),
	})
	session.Log = log // panics, with their stacks, go to Easel's log
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
			session.Emit = func(name string, data ...any) { wailsruntime.EventsEmit(ctx, name, data...) }
			session.Dialogs = dialogs{ctx}
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

// dialogs are the native file dialogs of the window.
type dialogs struct{ ctx context.Context }

func (d dialogs) OpenImages() ([]string, error) {
	return wailsruntime.OpenMultipleFilesDialog(d.ctx, wailsruntime.OpenDialogOptions{
		Title:   "Import images",
		Filters: []wailsruntime.FileFilter{{DisplayName: "Images (PNG, JPEG, WebP)", Pattern: "*.png;*.jpg;*.jpeg;*.webp"}},
	})
}

func (d dialogs) SaveZip(defaultName string) (string, error) {
	return wailsruntime.SaveFileDialog(d.ctx, wailsruntime.SaveDialogOptions{
		Title:           "Save images as a zip",
		DefaultFilename: defaultName,
		Filters:         []wailsruntime.FileFilter{{DisplayName: "Zip archives", Pattern: "*.zip"}},
	})
}
