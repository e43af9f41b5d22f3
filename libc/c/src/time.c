/*
 * nanosleep that reports EINTR. wasi-libc's turns every poll_oneoff error into ENOTSUP; ours
 * makes the same clock subscription and, when a handled signal interrupts it (poll_oneoff
 * answers EINTR after the handler ran), returns -1/EINTR with the time left in *rem.
 */
#include <errno.h>
#include <time.h>
#include <wasi/api.h>

int nanosleep(const struct timespec *req, struct timespec *rem) {
  if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000L) {
    errno = EINVAL;
    return -1;
  }
  __wasi_timestamp_t start = 0, now = 0;
  __wasi_timestamp_t want = (__wasi_timestamp_t)req->tv_sec * 1000000000ULL + (__wasi_timestamp_t)req->tv_nsec;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &start);
  __wasi_subscription_t sub = {.userdata = 0, .u = {.tag = __WASI_EVENTTYPE_CLOCK}};
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = want;
  __wasi_event_t event;
  __wasi_size_t count = 0;
  __wasi_errno_t err = __wasi_poll_oneoff(&sub, &event, 1, &count);
  if (err == 0 && count == 1 && event.error == 0) return 0;
  if (err == __WASI_ERRNO_INTR && rem) {
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &now);
    __wasi_timestamp_t left = now - start < want ? want - (now - start) : 0;
    rem->tv_sec = (time_t)(left / 1000000000ULL);
    rem->tv_nsec = (long)(left % 1000000000ULL);
  }
  errno = err ? err : event.error;
  return -1;
}
