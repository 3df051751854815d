// Package sdtest is a stand-in for the local image-generation servers Easel
// drives: AUTOMATIC1111's web UI (and Forge) with --api, and
// stable-diffusion.cpp's sd-server. No diffusion model can run on Easel's
// build machines, so backend tests talk to this server instead, usually as a
// separate process (cmd/sdtestserver). It is test tooling only: no product
// package may import it.
//
// The contract follows the projects' public docs (A1111's modules/api/api.py
// and models.py; sd-server's examples/server/api.md), not any Easel client.
//
// # Images
//
// Every image is a real PNG, base64 without a data: prefix, derived only from
// prompt, seed, width and height: a gradient between two colours picked from
// a hash of prompt and seed, plus per-pixel noise. img2img decodes its init
// images (raw base64 or data URL; a bad one answers A1111's 500 "Invalid
// encoded image") and mixes the first, scaled to the output size, with that
// image by denoising_strength: 0 gives the init image back, 1 gives exactly
// the txt2img image of the same prompt/seed/size. Image i of a request uses
// seed+i, as A1111 does; seed -1 (or absent) picks a random seed, reported in
// info.seed / info.all_seeds while parameters echoes the request's -1.
//
// # A1111 flavour
//
// txt2img/img2img block until done and answer {images, parameters, info}.
// parameters is the request as sent with API defaults filled in (steps 50,
// 512x512, cfg_scale 7, sampler "Euler a", batch_size and n_iter 1,
// denoising_strength 0.75); img2img's init_images/mask are null unless
// include_init_images. info is a JSON string in processed.js() form (seed,
// all_seeds, sd_model_name, sd_model_hash, infotexts, …). A job is n_iter
// iterations of steps steps, each step taking Options.StepDelay; /progress
// reports progress = 0.01 + job_no/job_count + step/steps/job_count (capped
// at 1), eta_relative, state{job, job_count, job_no, sampling_step,
// sampling_steps, interrupted, skipped, …} and current_image, a preview PNG
// refreshed every Options.PreviewEvery steps (null when idle, before the
// first preview, or with skip_current_image=true). /interrupt answers {} and
// stops the running job at its next step; the blocked call then answers 200
// with the images of the iterations already finished (an empty list if none).
// One job runs at a time: others wait behind a lock, like A1111's
// queue_lock, and give up if their client does.
//
// Models: a fixed list (v1-5-pruned-emaonly, sd_xl_base_1.0, the -m model if
// given, and the fault models below), matched by title, model_name, file name
// or short hash. POST /options with an unknown sd_model_checkpoint answers
// 500 {"error":"RuntimeError",…,"errors":"model '…' not found"} as set_config
// does; an unknown name in override_settings falls back to the loaded model
// (A1111 loads a fallback checkpoint), visible in info.sd_model_name. An
// unknown sampler answers 400 "Sampler not found"; invalid JSON answers
// FastAPI's 422 {"detail": […]}.
//
// # sd-server flavour
//
// Serves /sdcpp/v1 (capabilities, img_gen, jobs/{id}, jobs/{id}/cancel),
// GET /v1/models, and sd-server's /sdapi/v1 subset (txt2img, img2img,
// sd-models, samplers, schedulers, loras, GET options) where info is "" as
// api.md says; it has no /progress or /interrupt. sd-models lists only the
// -m model's stem. img_gen answers 202 {id, kind, status "queued", created,
// poll_url}; jobs run one at a time in submission order (sdapi calls share
// the same lock). Choices where api.md is silent: queue_position is 1 for the
// next queued job, 2 after it, and 0 once generating or finished; the job
// object gains "progress": {step, steps, preview (base64 PNG or null)} while
// generating and when completed; jobs are kept for the server's lifetime
// (never 410); error answers are {"error": {code, message}}. Cancel answers
// 200 for a queued job (at once cancelled, started null) or a generating one
// (cancelled at its next step, with error {code "cancelled"}), 409 for a
// finished one and 404 for an unknown id.
//
// # Faults, chosen per request
//
// A request selects a fault by checkpoint (A1111 override_settings
// sd_model_checkpoint "oom", "malformed", "slow", "drop", "crash") or, in
// either flavour, by a "sdtest:<fault>" token in the prompt:
//
//   - oom: fails at the first step. A1111: 500 {"error":"OutOfMemoryError",
//     "detail":"","body":"","errors":"CUDA out of memory. …"}. sd-server job:
//     failed, error {code "generation_failed", message "generate_image
//     returned empty results"}.
//   - malformed: the generation runs, then the answer (A1111) or the finished
//     job's status (sd-server) is 200 with truncated, invalid JSON.
//   - slow: the answer (A1111) or the finished job's status (sd-server) sleeps
//     Options.SlowDelay (10 minutes by default), past any client timeout.
//   - drop: as malformed, but the connection closes after the headers and part
//     of a body whose Content-Length promised more.
//   - crash: halfway through the job the process exits with CrashExitCode
//     (Options.Exit); Options.CrashMidJob does this to every job.
package sdtest
