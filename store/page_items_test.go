package store_test

import "easel/app"

// itemsOf is a page's items, for tests that read a whole short listing.
func itemsOf[T any](p *app.Page[T], err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}
