// The server's CPU time, read from /proc/PID/stat (proc(5)).
package main

import (
	"os"
	"strconv"
	"strings"
)

// clockTicks is sysconf(_SC_CLK_TCK) on Linux x86-64 and arm64 (USER_HZ, fixed at 100 by the ABI).
const clockTicks = 100

type ticks struct{ user, sys uint64 }

func (t ticks) total() uint64 { return t.user + t.sys }

// cpuTicks reads utime and stime (fields 14 and 15) of /proc/PID/stat.
func cpuTicks(pid int) (ticks, error) {
	if pid <= 0 {
		return ticks{}, nil
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ticks{}, err
	}
	// The command name (field 2) may hold spaces: the fields after it follow the last ')'.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	user, _ := strconv.ParseUint(fields[11], 10, 64)
	sys, _ := strconv.ParseUint(fields[12], 10, 64)
	return ticks{user, sys}, nil
}
