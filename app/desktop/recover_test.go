package desktop

import (
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"easel/app"
)

// TestEveryServiceCallIsGuarded calls every method of every service the
// window holds, over services that panic whatever is called (a nil
// service under the embedding): each must return the generic internal
// error, and log the panic with its stack, instead of ending the window.
func TestEveryServiceCallIsGuarded(t *testing.T) {
	logs := &strings.Builder{}
	// Each is a nil service behind its interface: any call panics.
	s := NewSession(Services{
		Auth:       struct{ app.AuthService }{},
		Users:      struct{ app.UserService }{},
		Boards:     struct{ app.BoardService }{},
		Images:     struct{ app.ImageService }{},
		Queue:      struct{ app.QueueService }{},
		Settings:   struct{ app.SettingsService }{},
		Library:    struct{ app.WorkflowService }{},
		Presets:    struct{ app.StylePresetService }{},
		Generation: struct{ app.GenerationService }{},
	}, WithLog(slog.New(slog.NewTextHandler(logs, nil))))

	sv := reflect.ValueOf(s.svc)
	calls := 0
	for i := range sv.NumField() {
		field := sv.Type().Field(i)
		if field.Type.Kind() != reflect.Interface || field.Type.NumMethod() == 0 {
			continue // the broker, the workflows
		}
		svc := sv.Field(i)
		if svc.IsNil() {
			t.Errorf("Services.%s has no panicking service in this test: add one above, and its wrapper in recover.go", field.Name)
			continue
		}
		for m := range field.Type.NumMethod() {
			method := field.Type.Method(m)
			fn := svc.Method(m)
			args := make([]reflect.Value, fn.Type().NumIn())
			for j := range args {
				args[j] = reflect.Zero(fn.Type().In(j))
			}
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("%s.%s panicked through: give it a wrapper in recover.go (%v)", field.Name, method.Name, p)
					}
				}()
				out := fn.Call(args)
				calls++
				if err, _ := out[len(out)-1].Interface().(error); err != errPanicked {
					t.Errorf("%s.%s returned %v, want the generic internal error", field.Name, method.Name, err)
				}
			}()
		}
	}
	if calls < 40 {
		t.Fatalf("only %d service methods called", calls)
	}
	if n := strings.Count(logs.String(), "panic in the window"); n != calls {
		t.Fatalf("%d panics logged for %d calls", n, calls)
	}
	if !strings.Contains(logs.String(), "runtime/debug.Stack") && !strings.Contains(logs.String(), "goroutine ") {
		t.Fatalf("the log has no stack:\n%.2000s", logs.String())
	}
}
