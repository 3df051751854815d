package desktop

import (
	"context"
	"io"
	"os"

	"easel/app"
)

// SaveAs is what the window's save dialog asks: its title, the file name
// it suggests, and the kind of file (its name and pattern, for the filter).
type SaveAs struct {
	Title, Name, Kind, Pattern string
}

// OpenAs is what the window's open dialog asks: its title and the kind of
// file (its name and pattern, for the filter).
type OpenAs struct {
	Title, Kind, Pattern string
}

// The files the window saves.
var (
	saveZip      = SaveAs{Title: "Save images as a zip", Kind: "Zip archives", Pattern: "*.zip"}
	saveWorkflow = SaveAs{Title: "Export the workflow", Kind: "Workflow files", Pattern: "*.json"}
	savePresets  = SaveAs{Title: "Export style presets", Kind: "CSV files", Pattern: "*.csv"}
)

// named is as with the suggested file name.
func (as SaveAs) named(name string) SaveAs { as.Name = name; return as }

// saveFile asks where to save as says, and writes there what write writes:
// beside it first, renamed into place only when whole, so a failed write
// (a full disk, a closed window) leaves no half a file. It returns the
// path, or "" when the person cancels.
func (s *Session) saveFile(ctx context.Context, as SaveAs, write func(ctx context.Context, w io.Writer) error) (string, error) {
	path, err := s.rt.SaveFile(as)
	if err != nil || path == "" {
		return "", toJS(err)
	}
	tmp := path + ".part"
	f, err := os.Create(tmp)
	if err == nil {
		err = write(ctx, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		if app.ErrorCode(err) == app.EUNAUTHORIZED || app.ErrorCode(err) == app.ENOTFOUND || app.ErrorCode(err) == app.EFORBIDDEN {
			return "", toJS(err)
		}
		return "", toJS(app.Errorf(app.EINVALID, "The file could not be written to %s. Check there is room and that you may write there.", path))
	}
	return path, nil
}

// bytesTo writes data, for saveFile.
func bytesTo(data []byte) func(context.Context, io.Writer) error {
	return func(_ context.Context, w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}
