// Package openfile opens a file a user names for reading (a scenario's
// data file, a tokenizer.json), without waiting for a named pipe's writer.
package openfile
