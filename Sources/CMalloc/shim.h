#ifndef EARSHOT_CMALLOC_SHIM_H
#define EARSHOT_CMALLOC_SHIM_H
#include <malloc.h>

/* glibc's malloc tuning (`mallopt`), which Swift's Glibc module does not export. */
static inline int earshot_limit_malloc_arenas(int arenas) {
    return mallopt(M_ARENA_MAX, arenas);
}
#endif
