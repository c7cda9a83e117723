package tokenizer

// The byte-level alphabet of GPT-2 (bytes_to_unicode in openai/gpt-2
// encoder.py, reproduced by Hugging Face's ByteLevel pre-tokenizer): every
// byte maps to a printable rune so that a vocabulary can be written as text.
// Bytes that are printable Latin-1 ('!'..'~', '¡'..'¬', '®'..'ÿ') map to
// themselves; the other 68 map, in byte order, to U+0100 onwards (the space
// 0x20 becomes 'Ġ' U+0120, the newline 0x0A 'Ċ' U+010A).

// byteLevelRunes returns the byte → rune table and its inverse.
func byteLevelRunes() (b2r [256]rune, r2b map[rune]byte) {
	r2b = make(map[rune]byte, 256)
	n := 0
	for b := range 256 {
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			b2r[b] = rune(b)
		} else {
			b2r[b] = rune(256 + n)
			n++
		}
		r2b[b2r[b]] = byte(b)
	}
	return b2r, r2b
}

// unByteLevel returns the bytes a byte-level token stands for, and false
// when the token holds a rune outside the alphabet (such a token cannot come
// out of a byte-level piece).
func unByteLevel(tok string, r2b map[rune]byte) (string, bool) {
	b := make([]byte, 0, len(tok))
	for _, r := range tok {
		c, ok := r2b[r]
		if !ok {
			return "", false
		}
		b = append(b, c)
	}
	return string(b), true
}
