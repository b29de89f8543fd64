/*
 * array.h - growing an array one element at a time in amortised O(1): the
 * allocation doubles when it is full (git's ALLOC_GROW), rather than one
 * realloc per element, which copies the whole array each time.
 */
#ifndef AUDITPACK_ARRAY_H
#define AUDITPACK_ARRAY_H

#include <stddef.h>

/*
 * Make room for element n of the array at *vp (a pointer to the array's
 * pointer; elements of `size` bytes, *cap of them allocated).  When n is
 * *cap or more the allocation grows to twice n (at least 16 elements) and
 * *cap with it; a *cap below what is really allocated is safe (the array is
 * reallocated sooner).  0, or ERR_NOMEM with the message set and the array
 * unchanged.
 */
int array_grow(void *vp, size_t n, size_t *cap, size_t size);

#endif
