package generation

import (
	"context"

	"easel/app"
)

// client is one API a backend speaks: A1111's /sdapi/v1, or sd-server's
// /sdcpp/v1 jobs.
type client interface {
	models(ctx context.Context) ([]remoteModel, error)
	samplers(ctx context.Context) ([]string, error)
	// generate makes req's picture. When ctx ends it stops the server's job
	// and returns ctx.Err(); other errors are *failure.
	generate(ctx context.Context, req request, progress *progressReporter) (*app.GenerationResult, error)
}

// remoteModel is a model as the backend lists it.
type remoteModel struct {
	name  string // what Easel shows and puts in model ids (A1111's model_name)
	title string // what selects it in a request (A1111's title)
}

// request is a job with what the backend resolved for it.
type request struct {
	job   app.GenerationJob
	model remoteModel
	seed  int64 // never -1: Easel picks a random seed itself, so it knows it
}

// uniqueModels drops models without a name and repeated names (A1111 can
// list two files with one model_name): a model id must pick one.
func uniqueModels(ms []remoteModel) []remoteModel {
	seen := map[string]bool{}
	out := make([]remoteModel, 0, len(ms))
	for _, m := range ms {
		if m.name == "" || seen[m.name] {
			continue
		}
		seen[m.name] = true
		out = append(out, m)
	}
	return out
}
