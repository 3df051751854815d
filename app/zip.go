package app

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"path"
	"strings"
)

// OpenFunc opens one image's file.
type OpenFunc func(ctx context.Context, name string) (io.ReadCloser, error)

// WriteZip streams images into a zip archive on w, one file at a time, named
// by their original names (made unique). Images are already compressed, so
// they are stored, not deflated. An image deleted meanwhile is left out.
func WriteZip(ctx context.Context, w io.Writer, images []*Image, open OpenFunc) error {
	zw := zip.NewWriter(w)
	used := map[string]int{}
	for _, img := range images {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := open(ctx, img.ImageName)
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		entry, err := zw.CreateHeader(&zip.FileHeader{Name: zipName(img, used), Method: zip.Store, Modified: img.CreatedAt})
		if err == nil {
			_, err = io.Copy(entry, f)
		}
		f.Close()
		if err != nil {
			return err
		}
	}
	return zw.Close()
}

// zipName is a safe, unique name inside the archive: the original base name
// (no folders, no "..") with the image's own extension.
func zipName(img *Image, used map[string]int) string {
	ext := path.Ext(img.ImageName)
	base := path.Base(strings.ReplaceAll(img.OriginalName, "\\", "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	base = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, base)
	if base == "" || base == "." || base == ".." {
		base = strings.TrimSuffix(img.ImageName, ext)
	}
	name := base + ext
	for i := 2; used[strings.ToLower(name)] > 0; i++ {
		name = fmt.Sprintf("%s (%d)%s", base, i, ext)
	}
	used[strings.ToLower(name)]++
	return name
}
