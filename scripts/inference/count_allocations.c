// LD_PRELOAD shim that counts malloc/calloc/realloc/posix_memalign/aligned_alloc calls and
// prints the total at exit. Used to check that EarshotInference's invoke allocates nothing:
// run the benchmark with 1 and with 3 passes and compare the counts
// (scripts/inference/check_allocations.sh).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_long count;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static char bootstrap[4096];
static size_t bootstrap_used;

static void init(void) {
  real_malloc = dlsym(RTLD_NEXT, "malloc");
  real_calloc = dlsym(RTLD_NEXT, "calloc");
  real_realloc = dlsym(RTLD_NEXT, "realloc");
  real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
  real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
}

void *malloc(size_t size) {
  if (!real_malloc) init();
  atomic_fetch_add(&count, 1);
  return real_malloc(size);
}

void *calloc(size_t n, size_t size) {
  if (!real_calloc) {
    // dlsym may call calloc before we know the real one: serve it from a static buffer.
    size_t bytes = (n * size + 15) & ~(size_t)15;
    if (bootstrap_used + bytes > sizeof bootstrap) return NULL;
    void *p = bootstrap + bootstrap_used;
    bootstrap_used += bytes;
    return p;
  }
  atomic_fetch_add(&count, 1);
  return real_calloc(n, size);
}

void *realloc(void *p, size_t size) {
  if (!real_realloc) init();
  atomic_fetch_add(&count, 1);
  return real_realloc(p, size);
}

int posix_memalign(void **p, size_t alignment, size_t size) {
  if (!real_posix_memalign) init();
  atomic_fetch_add(&count, 1);
  return real_posix_memalign(p, alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
  if (!real_aligned_alloc) init();
  atomic_fetch_add(&count, 1);
  return real_aligned_alloc(alignment, size);
}

void free(void *p) {
  static void (*real_free)(void *);
  if ((char *)p >= bootstrap && (char *)p < bootstrap + sizeof bootstrap) return;
  if (!real_free) real_free = dlsym(RTLD_NEXT, "free");
  real_free(p);
}

__attribute__((destructor)) static void report(void) {
  char line[64];
  int n = snprintf(line, sizeof line, "allocations: %ld\n", atomic_load(&count));
  if (write(2, line, n) < 0) {}
}
