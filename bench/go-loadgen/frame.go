// The client's side of RFC 6455 framing: masked frames out, messages in (pings answered).
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	mrand "math/rand"
	"net"
)

// appendMaskedFrame appends one unfragmented client frame, masked with key (RFC 6455 §5.2, §5.3).
func appendMaskedFrame(out []byte, opcode byte, payload []byte, key uint32) []byte {
	out = append(out, 0x80|opcode)
	switch n := len(payload); {
	case n < 126:
		out = append(out, 0x80|byte(n))
	case n <= 0xFFFF:
		out = append(out, 0x80|126, byte(n>>8), byte(n))
	default:
		out = append(out, 0x80|127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	var mask [4]byte
	binary.BigEndian.PutUint32(mask[:], key)
	out = append(out, mask[:]...)
	start := len(out)
	out = append(out, payload...)
	for k := range payload {
		out[start+k] ^= mask[k&3]
	}
	return out
}

// readMessage reads one data message (assembling fragments) or a Close; answers Pings.
func readMessage(c net.Conn, r *bufio.Reader) (byte, []byte, error) {
	var message []byte
	var messageOpcode byte
	for {
		var head [2]byte
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return 0, nil, err
		}
		fin, opcode := head[0]&0x80 != 0, head[0]&0x0F
		if head[0]&0x70 != 0 {
			return 0, nil, errors.New("RSV bit set without an extension")
		}
		if head[1]&0x80 != 0 {
			return 0, nil, errors.New("masked server frame (RFC 6455 §5.1)")
		}
		length := uint64(head[1] & 0x7F)
		if length == 126 || length == 127 {
			ext := make([]byte, map[uint64]int{126: 2, 127: 8}[length])
			if _, err := io.ReadFull(r, ext); err != nil {
				return 0, nil, err
			}
			if len(ext) == 2 {
				length = uint64(binary.BigEndian.Uint16(ext))
			} else {
				length = binary.BigEndian.Uint64(ext)
			}
		}
		if length > 16<<20 {
			return 0, nil, fmt.Errorf("frame of %d bytes", length)
		}
		payload := make([]byte, length)
		if _, err := io.ReadFull(r, payload); err != nil {
			return 0, nil, err
		}
		switch opcode {
		case 0x9: // Ping: Pong with the same data (§5.5.2)
			if _, err := c.Write(appendMaskedFrame(nil, 0xA, payload, mrand.Uint32())); err != nil {
				return 0, nil, err
			}
			continue
		case 0xA:
			continue
		case 0x8:
			return 0x8, payload, nil
		case 0x0:
			if messageOpcode == 0 {
				return 0, nil, errors.New("continuation without a message")
			}
			message = append(message, payload...)
		case 0x1, 0x2:
			if messageOpcode != 0 {
				return 0, nil, errors.New("new message inside a fragmented one")
			}
			messageOpcode, message = opcode, payload
		default:
			return 0, nil, fmt.Errorf("reserved opcode %d", opcode)
		}
		if fin {
			return messageOpcode, message, nil
		}
	}
}
