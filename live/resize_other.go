//go:build !unix

package live

import "os"

// watchSIGWINCH tells of no resize where there is no SIGWINCH (Windows,
// Plan 9, WebAssembly): the Progress reads the terminal's width at each
// refresh, as everywhere.
func watchSIGWINCH() (<-chan os.Signal, func()) { return nil, func() {} }
