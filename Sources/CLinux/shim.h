// Linux system calls that Swift's Glibc module does not export: epoll, eventfd, getrandom, FIONREAD,
// glibc's malloc_trim (<malloc.h>), and the GNU extensions accept4 and pthread_setname_np (declared
// here, since Glibc's module is built without _GNU_SOURCE). Header-only: nothing to link beyond libc.
#ifndef CALLGATE_CLINUX_SHIM_H
#define CALLGATE_CLINUX_SHIM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <pthread.h>
#include <sys/random.h>
#include <sys/ioctl.h>
#include <malloc.h>

extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);

/// Bytes waiting in a socket's receive buffer (ioctl FIONREAD, which Swift cannot call: ioctl is
/// variadic); 0 on error.
static inline int callgate_unread_bytes(int fd) {
    int count = 0;
    return ioctl(fd, FIONREAD, &count) == 0 ? count : 0;
}
#endif
