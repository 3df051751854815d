package main

import (
	"flag"
	"fmt"
	neturl "net/url"
	"strings"

	"easel/app"
)

// backendFlags are the --backend NAME=URL flags: A1111-compatible servers
// on this computer, for this run of Easel. A server on another computer
// is added in Settings, where its warning is shown.
type backendFlags []app.Backend

func backendFlag(fl *flag.FlagSet) *backendFlags {
	var bs backendFlags
	fl.Var(&bs, "backend", "an A1111-compatible image-generation server on this computer, as NAME=URL (repeatable), e.g. studio=http://127.0.0.1:7860")
	return &bs
}

func (bs *backendFlags) String() string {
	parts := make([]string, len(*bs))
	for i, b := range *bs {
		parts[i] = b.Name + "=" + b.URL
	}
	return strings.Join(parts, ",")
}

func (bs *backendFlags) Set(v string) error {
	name, url, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("give it as NAME=URL, e.g. studio=http://127.0.0.1:7860")
	}
	b := app.Backend{Name: name, Kind: app.BackendA1111, URL: url}
	if u, err := neturl.Parse(url); err == nil && u.Host != "" && !app.IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%s is not on this computer: --backend takes servers on this computer; add one on another computer in Settings", u.Hostname())
	}
	if err := app.CheckBackends(append(append([]app.Backend{}, *bs...), b)); err != nil {
		return fmt.Errorf("%s", app.ErrorMessage(err))
	}
	*bs = append(*bs, b)
	return nil
}
