// go-loadgen: an echo load generator independent of bench/Sources/Loadgen, for cross-checking its
// figures (issue 16: "wss echo ... with both generators"). Go's standard library only: net,
// crypto/tls, its own RFC 6455 client framing (every client frame masked, RFC 6455 §5.3), one
// goroutine per connection, Go's scheduler and netpoller instead of loadgen's single epoll thread.
//
// Each connection runs closed-loop echo with --in-flight messages outstanding; every echo is
// compared byte for byte with what was sent (each message carries the connection and its
// sequence number). Over the measured window it reports msgs/s, latency percentiles (send to
// verified echo), the server's CPU per message from /proc/PID/stat and its own CPU use, as one
// human-readable line and one JSON line with the keys loadgen uses. Exits 1 on any protocol error.
//
// Build: cd bench/go-loadgen && go build (Debian's golang-go; no module dependencies).
package main

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	mrand "math/rand"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" // RFC 6455 §1.3

type options struct {
	host, path, label string
	port, connections int
	size, inFlight    int
	warmup, duration  time.Duration
	timeout           time.Duration
	serverPID         int
	useTLS            bool
	sendEach          bool
}

// Phases: 0 warm-up, 1 measuring, 2 stopping (no new sends).
var phase atomic.Int32

type result struct {
	latencies []time.Duration // echoes completed in the measured window
	sent      uint64
	echoed    uint64
	tlsInfo   string
	err       error
}

func main() {
	var o options
	var warmup, duration, timeout float64
	flag.StringVar(&o.host, "host", "127.0.0.1", "server address")
	flag.IntVar(&o.port, "port", 0, "server port")
	flag.StringVar(&o.path, "path", "/", "request path of the upgrade")
	flag.IntVar(&o.connections, "connections", 100, "WebSocket connections")
	flag.IntVar(&o.size, "size", 64, "payload bytes per (binary) message, at least 12")
	flag.IntVar(&o.inFlight, "in-flight", 1, "messages each connection keeps in flight")
	flag.Float64Var(&warmup, "warmup", 3, "seconds of warm-up")
	flag.Float64Var(&duration, "duration", 10, "seconds measured")
	flag.Float64Var(&timeout, "timeout", 5, "seconds allowed for a connect, a handshake or an echo")
	flag.IntVar(&o.serverPID, "server-pid", 0, "the server's pid, for its CPU time (/proc/PID/stat)")
	flag.BoolVar(&o.useTLS, "tls", false, "wss: TLS 1.2+, SNI localhost, ALPN http/1.1, certificate not verified (loopback)")
	flag.StringVar(&o.label, "label", "", "name of the server in the output")
	flag.BoolVar(&o.sendEach, "send-each", false, "with --in-flight: each replacement in its own write, not one write per read")
	flag.Parse()
	if o.port <= 0 || o.connections <= 0 || o.size < 12 || o.inFlight < 1 {
		fmt.Fprintln(os.Stderr, "go-loadgen: --port N is required; --connections, --in-flight >= 1; --size >= 12")
		os.Exit(2)
	}
	o.warmup = time.Duration(warmup * float64(time.Second))
	o.duration = time.Duration(duration * float64(time.Second))
	o.timeout = time.Duration(timeout * float64(time.Second))
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "go-loadgen:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	conns := make([]net.Conn, o.connections)
	readers := make([]*bufio.Reader, o.connections)
	var tlsInfo string
	for i := range conns {
		c, r, info, err := open(o)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i, err)
		}
		conns[i], readers[i], tlsInfo = c, r, info
	}
	results := make([]result, o.connections)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = echo(o, i, conns[i], readers[i])
		}(i)
	}
	time.Sleep(o.warmup)
	serverBefore, _ := cpuTicks(o.serverPID)
	selfBefore, _ := cpuTicks(os.Getpid())
	start := time.Now()
	phase.Store(1)
	time.Sleep(o.duration)
	phase.Store(2)
	elapsed := time.Since(start)
	serverAfter, serverErr := cpuTicks(o.serverPID)
	selfAfter, _ := cpuTicks(os.Getpid())
	wg.Wait()

	var all []time.Duration
	var sent, echoed uint64
	minConn, maxConn := math.MaxInt, 0
	for i, r := range results {
		if r.err != nil {
			return fmt.Errorf("connection %d: %w", i, r.err)
		}
		all = append(all, r.latencies...)
		sent += r.sent
		echoed += r.echoed
		if n := len(r.latencies); n < minConn {
			minConn = n
		}
		if n := len(r.latencies); n > maxConn {
			maxConn = n
		}
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	messages := len(all)
	seconds := elapsed.Seconds()
	report := map[string]any{
		"tool": "go-loadgen", "label": o.label, "mode": "echo", "port": o.port, "path": o.path,
		"connections": o.connections, "size": o.size, "in_flight": o.inFlight, "opcode": "binary",
		"warmup_s": o.warmup.Seconds(), "duration_s": seconds, "messages": messages,
		"min_conn_msgs": minConn, "max_conn_msgs": maxConn, "msgs_per_s": float64(messages) / seconds,
		"p50_us": percentile(all, 0.50), "p99_us": percentile(all, 0.99), "p999_us": percentile(all, 0.999),
		"total_sent": sent, "total_echoed": echoed, "total_upgrades": o.connections, "tls": o.useTLS, "loadgen_cpu_util": nil,
		"server_pid": nil, "server_cpu_us_per_msg": nil, "server_user_us_per_msg": nil,
		"server_sys_us_per_msg": nil, "server_cpu_util": nil, "clk_tck": clockTicks,
	}
	if o.useTLS {
		report["tls_summary"] = tlsInfo
	}
	tickUS := 1e6 / clockTicks
	report["loadgen_cpu_util"] = float64(selfAfter.total()-selfBefore.total()) * tickUS / 1e6 / seconds
	if o.serverPID > 0 {
		if serverErr != nil {
			return serverErr
		}
		user := float64(serverAfter.user-serverBefore.user) * tickUS
		sys := float64(serverAfter.sys-serverBefore.sys) * tickUS
		report["server_pid"] = o.serverPID
		report["server_cpu_util"] = (user + sys) / 1e6 / seconds
		if messages > 0 {
			report["server_cpu_us_per_msg"] = (user + sys) / float64(messages)
			report["server_user_us_per_msg"] = user / float64(messages)
			report["server_sys_us_per_msg"] = sys / float64(messages)
		}
	}
	name := o.label
	if name == "" {
		name = "go-loadgen"
	}
	line := fmt.Sprintf("%s go-loadgen %d x %d B, %d in flight: %.0f msgs/s, p50 %.1f us, p99 %.1f us, conn %d-%d",
		name, o.connections, o.size, o.inFlight, float64(messages)/seconds, percentile(all, 0.5), percentile(all, 0.99), minConn, maxConn)
	if v, ok := report["server_cpu_us_per_msg"].(float64); ok {
		line += fmt.Sprintf(", server %.2f us/msg (user %.2f), server %.0f %%", v, report["server_user_us_per_msg"], 100*report["server_cpu_util"].(float64))
	}
	line += fmt.Sprintf(", go-loadgen %.0f %%", 100*report["loadgen_cpu_util"].(float64))
	fmt.Println(line)
	encoded, _ := json.Marshal(report)
	fmt.Println(string(encoded))
	return nil
}

func percentile(sorted []time.Duration, q float64) any {
	if len(sorted) == 0 {
		return nil
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	if i < 0 {
		i = 0
	}
	return float64(sorted[i].Nanoseconds()) / 1000
}

// open connects, does TLS if asked, and the opening handshake (RFC 6455 §4.1), checking the 101
// and Sec-WebSocket-Accept.
func open(o options) (net.Conn, *bufio.Reader, string, error) {
	address := net.JoinHostPort(o.host, strconv.Itoa(o.port))
	c, err := net.DialTimeout("tcp", address, o.timeout)
	if err != nil {
		return nil, nil, "", err
	}
	c.(*net.TCPConn).SetNoDelay(true)
	info := ""
	if o.useTLS {
		t := tls.Client(c, &tls.Config{ServerName: "localhost", InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12})
		t.SetDeadline(time.Now().Add(o.timeout))
		if err := t.Handshake(); err != nil {
			c.Close()
			return nil, nil, "", fmt.Errorf("TLS handshake: %w", err)
		}
		s := t.ConnectionState()
		info = map[uint16]string{tls.VersionTLS12: "TLSv1.2", tls.VersionTLS13: "TLSv1.3"}[s.Version] + " " + tls.CipherSuiteName(s.CipherSuite) + " ALPN " + s.NegotiatedProtocol
		c = t
	}
	var nonce [16]byte
	rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	request := "GET " + o.path + " HTTP/1.1\r\nHost: " + address + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	c.SetDeadline(time.Now().Add(o.timeout))
	if _, err := io.WriteString(c, request); err != nil {
		c.Close()
		return nil, nil, "", err
	}
	r := bufio.NewReaderSize(c, 64<<10)
	response, err := http.ReadResponse(r, nil)
	if err != nil {
		c.Close()
		return nil, nil, "", fmt.Errorf("upgrade response: %w", err)
	}
	digest := sha1.Sum([]byte(key + websocketGUID))
	if response.StatusCode != 101 || response.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(digest[:]) {
		c.Close()
		return nil, nil, "", fmt.Errorf("upgrade refused or wrong accept: %s", response.Status)
	}
	c.SetDeadline(time.Time{})
	return c, r, info, nil
}

// echo runs one connection until the window ends, drains its in-flight echoes and closes.
func echo(o options, index int, c net.Conn, r *bufio.Reader) (res result) {
	defer c.Close()
	random := mrand.New(mrand.NewSource(int64(index)*7919 + time.Now().UnixNano()))
	frame := make([]byte, 0, o.inFlight*(o.size+14))
	sentAt := make([]time.Time, 0, o.inFlight) // FIFO of the messages in flight
	var nextSeq, expectSeq uint64
	payload := make([]byte, o.size)
	expected := make([]byte, o.size)
	fill := func(buf []byte, seq uint64) {
		binary.BigEndian.PutUint32(buf[0:4], uint32(index))
		binary.BigEndian.PutUint64(buf[4:12], seq)
		for k := 12; k < len(buf); k++ {
			buf[k] = byte(seq) + byte(k)
		}
	}
	queue := func() {
		fill(payload, nextSeq)
		nextSeq++
		frame = appendMaskedFrame(frame, 0x2, payload, random.Uint32())
		sentAt = append(sentAt, time.Now())
		res.sent++
	}
	// receive reads, checks and times the oldest message's echo, and queues its successor.
	receive := func() error {
		opcode, data, err := readMessage(c, r)
		if err != nil {
			return fmt.Errorf("after %d echoes: %w", res.echoed, err)
		}
		if opcode != 0x2 {
			return fmt.Errorf("echo came back with opcode %d", opcode)
		}
		fill(expected, expectSeq)
		if len(data) != o.size || string(data) != string(expected) {
			return fmt.Errorf("the echo of message %d differs from what was sent (%d bytes)", expectSeq, len(data))
		}
		if phase.Load() == 1 {
			res.latencies = append(res.latencies, time.Since(sentAt[0]))
		}
		expectSeq++
		res.echoed++
		sentAt = sentAt[1:]
		if phase.Load() < 2 {
			queue()
		}
		return nil
	}
	for k := 0; k < o.inFlight; k++ {
		queue()
	}
	for {
		if len(frame) > 0 {
			if _, err := c.Write(frame); err != nil {
				res.err = fmt.Errorf("write: %w", err)
				return
			}
			frame = frame[:0]
		}
		if len(sentAt) == 0 {
			break
		}
		c.SetReadDeadline(time.Now().Add(o.timeout))
		if res.err = receive(); res.err != nil {
			return
		}
		// Echoes already read from the socket are answered in the same write, as loadgen does.
		for !o.sendEach && r.Buffered() > 0 && len(sentAt) > 0 {
			if res.err = receive(); res.err != nil {
				return
			}
		}
	}
	// RFC 6455 §5.5.1: Close 1000, then wait for the server's Close.
	c.Write(appendMaskedFrame(nil, 0x8, []byte{0x03, 0xE8}, random.Uint32()))
	c.SetReadDeadline(time.Now().Add(o.timeout))
	if opcode, _, err := readMessage(c, r); err != nil || opcode != 0x8 {
		res.err = fmt.Errorf("close handshake: opcode %d, %v", opcode, err)
	}
	return
}
