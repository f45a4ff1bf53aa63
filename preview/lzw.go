package preview

import "encoding/binary"

// lzwDecode decodes GIF's variant of LZW (least significant bit first, a
// clear code, an end code, codes growing to 12 bits) from src into dst, and
// returns how many bytes it wrote. It stops at the end code, at the end of
// dst, at the end of src, or at the first invalid code: what was decoded by
// then is kept, so a damaged frame shows the pixels that arrived.
//
// Every string in the table has already been written out whole, earlier in
// dst, so the table keeps where (pos) and how long (length) instead of
// prefix chains, and each code is one copy. It does what compress/lzw does,
// several times faster.
func lzwDecode(src []byte, litWidth int, dst []byte) int {
	if litWidth < 2 || litWidth > 8 {
		return 0
	}
	const maxCode = 4096
	var (
		pos    [maxCode]int32
		length [maxCode]int32
	)
	clearCode := 1 << litWidth
	eoi := clearCode + 1
	width := litWidth + 1
	next := eoi + 1
	prev, prevPos := -1, 0
	var acc uint64
	nbits, sp, n := 0, 0, 0
	for {
		if nbits < width {
			if sp+8 <= len(src) {
				// Refill to 56 bits or more with one load.
				acc |= binary.LittleEndian.Uint64(src[sp:]) << nbits
				sp += (63 - nbits) >> 3
				nbits |= 56
			} else {
				for nbits < width {
					if sp >= len(src) {
						return n
					}
					acc |= uint64(src[sp]) << nbits
					sp++
					nbits += 8
				}
			}
		}
		code := int(acc & (1<<width - 1))
		acc >>= width
		nbits -= width

		start := n
		switch {
		case code == clearCode:
			width, next, prev = litWidth+1, eoi+1, -1
			continue
		case code == eoi:
			return n
		case code < clearCode: // a literal
			if n >= len(dst) {
				return n
			}
			dst[n] = byte(code)
			n++
		case code > eoi && code < next: // a string of the table
			l := int(length[code])
			from := int(pos[code])
			if l <= 8 && n+l <= len(dst) { // most strings are short: no call
				for i := range l {
					dst[n+i] = dst[from+i]
				}
				n += l
			} else {
				n += copy(dst[n:min(n+l, len(dst))], dst[from:from+l])
			}
		case code == next && prev >= 0: // the string being defined: prev + its first byte
			l := int(length[prev]) + 1
			if prev < clearCode {
				l = 2
			}
			end := min(n+l, len(dst))
			for i := n; i < end; i++ { // overlapping on purpose: it repeats prev's start
				dst[i] = dst[prevPos+(i-n)%(l-1)]
			}
			n = end
		default:
			return n // an invalid code: the frame is damaged from here on
		}
		if prev >= 0 && next < maxCode {
			// The new entry is prev's string and the first byte written now,
			// which sit side by side in dst.
			pl := int32(1)
			if prev > eoi {
				pl = length[prev]
			}
			pos[next], length[next] = int32(prevPos), pl+1
			next++
			if next == 1<<width && width < 12 {
				width++
			}
		}
		if n == len(dst) {
			return n
		}
		prev, prevPos = code, start
	}
}
