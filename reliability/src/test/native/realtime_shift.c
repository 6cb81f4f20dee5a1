/*
 * LD_PRELOAD shim that shifts this process's wall clock, and nothing else, by REALTIME_SHIFT_SECONDS
 * (may be negative): clock_gettime(CLOCK_REALTIME / CLOCK_REALTIME_COARSE), gettimeofday and time.
 * Every other clock (CLOCK_MONOTONIC, ...) goes straight to the real function, so timed waits, which
 * the JVM takes on CLOCK_MONOTONIC, stay right. libfaketime is not used because 0.9.10 broke the
 * JVM's waits (see docs/reliability.md, "How the clock is skewed").
 *
 * Build: gcc -shared -fPIC -O2 -o librealtime_shift.so realtime_shift.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long shift_seconds(void) {
	static long shift = 0;
	static int read = 0;
	if (!read) {
		const char *value = getenv("REALTIME_SHIFT_SECONDS");
		shift = (value != NULL) ? strtol(value, NULL, 10) : 0;
		read = 1;
	}
	return shift;
}

static int (*real_clock_gettime)(clockid_t, struct timespec *);
static int (*real_gettimeofday)(struct timeval *, void *);

int clock_gettime(clockid_t id, struct timespec *ts) {
	if (real_clock_gettime == NULL) {
		real_clock_gettime = (int (*)(clockid_t, struct timespec *)) dlsym(RTLD_NEXT, "clock_gettime");
	}
	int result = real_clock_gettime(id, ts);
	if (result == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) {
		ts->tv_sec += shift_seconds();
	}
	return result;
}

int gettimeofday(struct timeval *tv, void *tz) {
	if (real_gettimeofday == NULL) {
		real_gettimeofday = (int (*)(struct timeval *, void *)) dlsym(RTLD_NEXT, "gettimeofday");
	}
	int result = real_gettimeofday(tv, tz);
	if (result == 0) {
		tv->tv_sec += shift_seconds();
	}
	return result;
}

time_t time(time_t *out) {
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (out != NULL) {
		*out = ts.tv_sec;
	}
	return ts.tv_sec;
}
