package targettest

// BadInts are values a hostile or broken server has written where a count
// or an integer time belongs, none of them a JSON integer that fits an
// int64: past int64 either way, past float64, a fraction, a string, a
// boolean, an object, an array. An adapter reads each as not reported
// (targets.Int), and the event that carries it still counts.
var BadInts = []string{`9223372036854775808`, `-9223372036854775809`, `1e309`, `3.7`, `"12"`, `true`, `{}`, `[]`}

// BadFloats are the values of BadInts that are no JSON number a float64
// holds, as a server has written them where a time in seconds or
// milliseconds belongs: an adapter reads each as not reported
// (targets.Float).
var BadFloats = []string{`1e309`, `-1e309`, `"12"`, `true`, `{}`, `[]`, `null`}
