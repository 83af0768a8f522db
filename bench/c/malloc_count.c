/* Allocation counter for bench/encode.ts and the no-allocation test: preloaded
 * (LD_PRELOAD=malloc_count.so), it counts each thread's calls to malloc, calloc, realloc
 * and the aligned allocators, then hands them to glibc's own. The addon reads the calling
 * thread's count through stresshm_thread_allocs (found with dlsym when present). */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t k, size_t n);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);

static __thread uint64_t allocs;

uint64_t stresshm_thread_allocs(void) { return allocs; }

void *malloc(size_t n) {
  allocs++;
  return __libc_malloc(n);
}

void *calloc(size_t k, size_t n) {
  allocs++;
  return __libc_calloc(k, n);
}

void *realloc(void *p, size_t n) {
  allocs++;
  return __libc_realloc(p, n);
}

void *memalign(size_t align, size_t n) {
  allocs++;
  return __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n) { return memalign(align, n); }

int posix_memalign(void **out, size_t align, size_t n) {
  void *p = memalign(align, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
