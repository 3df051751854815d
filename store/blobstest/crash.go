package blobstest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"easel/store/blob"
)

// The crash child is this test binary run again with these set: it opens
// the place and writes images the way the store imports and deletes them
// until it is killed.
const (
	crashEnv      = "BLOBSTEST_CRASH_PLACE"
	crashRoundEnv = "BLOBSTEST_CRASH_ROUND"
)

const crashOwner = "crash"

func crashRef(round, i int) blob.Ref {
	return blob.Ref{Owner: crashOwner, Name: fmt.Sprintf("r%d-%06d.png", round, i)}
}

func crashData(round, i int, kind blob.Kind) []byte {
	n := 48 << 10
	if kind == blob.Thumbnail {
		n = 3 << 10
	}
	return content(round*1_000_000+i*2+len(kind), n)
}

// crashChild writes as the store does, printing a line where the store
// commits a record: "claimed i" once an image's blobs are written (its
// record saved), "unclaimed i" once an earlier image's record is deleted,
// before its blobs are. The parent takes those lines for the records.
func crashChild(impl Impl, place string) {
	round, _ := strconv.Atoi(os.Getenv(crashRoundEnv))
	s, err := impl.Open(place)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	fail := func(err error) {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	deadline := time.Now().Add(time.Minute) // should the parent never kill it
	for i := 0; time.Now().Before(deadline); i++ {
		ref := crashRef(round, i)
		if err := s.Intend(ref); err != nil {
			fail(err)
		}
		st, err := s.Stage(blob.Image, ref.Owner, bytes.NewReader(crashData(round, i, blob.Image)), 1<<20)
		if err != nil {
			fail(err)
		}
		if err := st.Commit(ref.Name); err != nil {
			fail(err)
		}
		thumb := crashData(round, i, blob.Thumbnail)
		if _, err := s.Write(ref.Key(blob.Thumbnail), bytes.NewReader(thumb), int64(len(thumb))); err != nil {
			fail(err)
		}
		fmt.Println("claimed", i)
		if i%3 == 2 { // delete an earlier image, as deleting an image does
			gone := crashRef(round, i-2)
			if err := s.Intend(gone); err != nil {
				fail(err)
			}
			fmt.Println("unclaimed", i-2)
			if err := s.Remove(gone); err != nil {
				fail(err)
			}
		}
	}
	os.Exit(0)
}

// testCrash kills a child writing images at varying moments and checks,
// after each crash and a Settle of the orphans as the store's start does
// it, that every claimed image has its blobs, whole, and that no blob is
// left without a claim: not of a deleted image, not of one cut off.
func testCrash(t *testing.T, h *harness) {
	if testing.Short() {
		t.Skip("skipped in -short: runs and kills child processes")
	}
	h.close() // the child has the place to itself, as one Easel does
	claimed := map[blob.Ref]bool{}
	var unclaimed []blob.Ref
	for round := range 4 {
		cmd := exec.Command(os.Args[0], "-test.run="+runPattern(t.Name()))
		cmd.Env = append(os.Environ(), crashEnv+"="+h.place, crashRoundEnv+"="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		var lines []string
		for seen := 0; seen < 3+round && sc.Scan(); {
			lines = append(lines, sc.Text())
			if strings.HasPrefix(sc.Text(), "claimed ") {
				seen++
			}
		}
		time.Sleep(time.Duration(round) * 3 * time.Millisecond) // land in different steps of a write
		cmd.Process.Kill()
		for sc.Scan() { // what it said before it died
			lines = append(lines, sc.Text())
		}
		cmd.Wait()

		last := -1
		for _, l := range lines {
			word, n, _ := strings.Cut(l, " ")
			i, err := strconv.Atoi(n)
			if err != nil || (word != "claimed" && word != "unclaimed") {
				t.Fatalf("round %d: the child said %q", round, l)
			}
			ref := crashRef(round, i)
			if word == "claimed" {
				claimed[ref], last = true, i
			} else {
				delete(claimed, ref)
				unclaimed = append(unclaimed, ref)
			}
		}
		if last < 0 {
			t.Fatalf("round %d: the child claimed nothing before it was killed", round)
		}

		h.open()
		var orphans []blob.Ref
		if err := h.s.Pending(func(r blob.Ref) error {
			if !claimed[r] {
				orphans = append(orphans, r)
			}
			return nil
		}); err != nil {
			t.Fatalf("round %d: pending: %v", round, err)
		}
		if _, err := h.s.Settle(orphans); err != nil {
			t.Fatalf("round %d: settle: %v", round, err)
		}
		for ref := range claimed {
			r, i := roundOf(ref)
			for _, kind := range blob.Kinds() {
				if err := holds(h.s, ref.Key(kind), crashData(r, i, kind)); err != nil {
					t.Fatalf("round %d: a claimed image: %v", round, err)
				}
			}
		}
		cutOff := []blob.Ref{crashRef(round, last+1), crashRef(round, last+2)}
		for _, ref := range append(unclaimed, cutOff...) {
			for _, kind := range blob.Kinds() {
				if err := missing(h.s, ref.Key(kind)); err != nil {
					t.Fatalf("round %d: an unclaimed image: %v", round, err)
				}
			}
		}
		h.noLeftovers()
		h.wantPending()
		h.close()
		t.Logf("round %d: %d claimed images, all whole; %d unclaimed, none left", round, len(claimed), len(unclaimed))
	}
}

// roundOf reads back the round and index crashRef put in a name.
func roundOf(ref blob.Ref) (round, i int) {
	fmt.Sscanf(ref.Name, "r%d-%d.png", &round, &i)
	return round, i
}

// runPattern is a -test.run pattern that runs exactly the test named.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}
