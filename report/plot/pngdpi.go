package plot

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// writePNGWithPHYs writes the PNG b to w with a pHYs chunk saying its
// resolution, dpi dots per inch (as pixels per metre, the unit PNG knows),
// right after the IHDR chunk where the format wants it, in three writes
// (no second copy of the image). Go's image/png writes none, and a
// PNG without one is placed at 72 or 96 dpi by word processors and LaTeX:
// a figure rendered at 144 or 300 dpi came out two to four times its size.
func writePNGWithPHYs(w io.Writer, b []byte, dpi float64) error {
	const sigLen, ihdrLen = 8, 8 + 13 + 4 // signature; IHDR: length and type, data, CRC
	if len(b) < sigLen+ihdrLen || string(b[sigLen+4:sigLen+8]) != "IHDR" {
		return fmt.Errorf("png: no IHDR chunk to put the resolution after")
	}
	ppm := uint32(math.Round(dpi / 0.0254))
	chunk := make([]byte, 0, 4+4+9+4)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1) // unit: the metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	for _, part := range [][]byte{b[:sigLen+ihdrLen], chunk, b[sigLen+ihdrLen:]} {
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	return nil
}
