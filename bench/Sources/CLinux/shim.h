#ifndef CALLGATE_BENCH_CLINUX_SHIM_H
#define CALLGATE_BENCH_CLINUX_SHIM_H

// What the load generator needs from Linux that Swift's Glibc module leaves out.
#include <sys/epoll.h>
#include <sys/random.h>

#endif
