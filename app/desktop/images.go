package desktop

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"easel/app"
)

// Images is bound into the window: the images on boards, import and download.
type Images struct{ s *Session }

// EventImportProgress reports an import's progress to the page.
const EventImportProgress = "import:progress"

// ImportProgress is the payload of EventImportProgress.
type ImportProgress struct {
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	FileName string `json:"file_name"`
}

// ImportReport says what an import did with each file.
type ImportReport struct {
	Imported []*app.Image `json:"imported"`
	Refused  []Refusal    `json:"refused"`
}

// Refusal is a file an import did not take, and why.
type Refusal struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

func (i *Images) List(f app.ImageFilter) (*app.ImagePage, error) {
	ctx, err := i.s.context()
	if err != nil {
		return nil, err
	}
	out, err := i.s.svc.Images.ListImages(ctx, f)
	return out, toJS(err)
}

func (i *Images) Get(name string) (*app.Image, error) {
	ctx, err := i.s.context()
	if err != nil {
		return nil, err
	}
	out, err := i.s.svc.Images.FindImage(ctx, name)
	return out, toJS(err)
}

func (i *Images) Update(name string, upd app.ImageUpdate) (*app.Image, error) {
	ctx, err := i.s.context()
	if err != nil {
		return nil, err
	}
	out, err := i.s.svc.Images.UpdateImage(ctx, name, upd)
	return out, toJS(err)
}

func (i *Images) Delete(names []string) (*app.BulkResult, error) {
	return i.bulk(func(ctx context.Context) (*app.BulkResult, error) { return i.s.svc.Images.DeleteImages(ctx, names) })
}

func (i *Images) Star(names []string, starred bool) (*app.BulkResult, error) {
	return i.bulk(func(ctx context.Context) (*app.BulkResult, error) {
		return i.s.svc.Images.StarImages(ctx, names, starred)
	})
}

func (i *Images) AddToBoard(boardID string, names []string) (*app.BulkResult, error) {
	return i.bulk(func(ctx context.Context) (*app.BulkResult, error) {
		return i.s.svc.Images.AddToBoard(ctx, boardID, names)
	})
}

func (i *Images) RemoveFromBoard(names []string) (*app.BulkResult, error) {
	return i.bulk(func(ctx context.Context) (*app.BulkResult, error) { return i.s.svc.Images.RemoveFromBoard(ctx, names) })
}

func (i *Images) bulk(fn func(ctx context.Context) (*app.BulkResult, error)) (*app.BulkResult, error) {
	ctx, err := i.s.context()
	if err != nil {
		return nil, err
	}
	out, err := fn(ctx)
	return out, toJS(err)
}

// Download asks where to save, then writes the named images there as a zip.
func (i *Images) Download(names []string) (string, error) {
	ctx, err := i.s.context()
	if err != nil {
		return "", err
	}
	images, err := i.s.svc.Images.Downloadable(ctx, "", names)
	if err != nil {
		return "", toJS(err)
	}
	return i.s.saveZip(ctx, "Easel images", images)
}

// ImportDialog lets the person pick image files, then imports them onto
// boardID ("" for uncategorized).
func (i *Images) ImportDialog(boardID string) (*ImportReport, error) {
	if _, err := i.s.context(); err != nil {
		return nil, err
	}
	paths, err := i.s.rt.OpenImages()
	if err != nil {
		return nil, toJS(err)
	}
	return i.ImportFiles(boardID, paths)
}

// ImportFiles imports image files (dropped on the window, or picked) onto
// boardID, reporting progress as it goes.
func (i *Images) ImportFiles(boardID string, paths []string) (*ImportReport, error) {
	ctx, err := i.s.context()
	if err != nil {
		return nil, err
	}
	report := &ImportReport{Imported: []*app.Image{}, Refused: []Refusal{}}
	for n, path := range paths {
		name := filepath.Base(path)
		i.s.rt.Emit(EventImportProgress, ImportProgress{Done: n, Total: len(paths), FileName: name})
		img, err := i.importFile(ctx, boardID, path)
		if app.ErrorCode(err) == app.EUNAUTHORIZED {
			return nil, toJS(err) // signed out meanwhile: stop
		}
		if err != nil {
			report.Refused = append(report.Refused, Refusal{Name: name, Reason: app.ErrorMessageOrText(err)})
			continue
		}
		report.Imported = append(report.Imported, img)
	}
	i.s.rt.Emit(EventImportProgress, ImportProgress{Done: len(paths), Total: len(paths)})
	return report, nil
}

func (i *Images) importFile(ctx context.Context, boardID, path string) (*app.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, app.Errorf(app.EINVALID, "Easel could not open this file.")
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, app.Errorf(app.EINVALID, "This is a folder; drop or pick the images in it.")
	}
	// The store copies the file as it reads it, never whole into memory,
	// and refuses one over the size limit from its size alone.
	return i.s.svc.Images.Import(ctx, boardID, filepath.Base(path), importFile{f})
}

// importFile is a file being imported: its read errors are in words (the
// store passes them on as they are), and it has Stat, so that the store
// knows its size before reading it.
type importFile struct{ f *os.File }

func (r importFile) Read(p []byte) (int, error) {
	n, err := r.f.Read(p)
	if err != nil && err != io.EOF {
		err = app.Errorf(app.EINVALID, "Easel could not read this file.")
	}
	return n, err
}

func (r importFile) Stat() (os.FileInfo, error) { return r.f.Stat() }

// saveZip asks where to save a zip of images and writes it there.
func (s *Session) saveZip(ctx context.Context, title string, images []*app.Image) (string, error) {
	open := func(ctx context.Context, name string) (io.ReadCloser, error) {
		r, _, err := s.svc.Images.OpenImage(ctx, name, false)
		return r, err
	}
	return s.saveFile(ctx, saveZip.named(title+".zip"), func(ctx context.Context, w io.Writer) error {
		return app.WriteZip(ctx, w, images, open)
	})
}
