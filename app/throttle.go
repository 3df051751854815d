package app

import "time"

// FreeLoginFailures is how many wrong passwords an account takes before
// each further try must wait.
const FreeLoginFailures = 5

// maxLoginDelay caps the wait, so that an owner who forgot is not locked out for long.
const maxLoginDelay = 15 * time.Minute

// LoginDelay is how long to wait after the last of n consecutive failures
// before the next try: nothing for the first few, then 1s, 2s, 4s … up to 15 minutes.
func LoginDelay(n int) time.Duration {
	if n < FreeLoginFailures {
		return 0
	}
	d := time.Second << min(n-FreeLoginFailures, 10)
	return min(d, maxLoginDelay)
}
