package imaging

// raceEnabled is set when the tests are built with -race (race_test.go),
// which slows pixel loops tenfold and changes what the runtime allocates.
var raceEnabled bool
