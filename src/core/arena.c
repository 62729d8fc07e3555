/* Bump allocator: see smk/value.h for the contract. */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "smk/value.h"

struct smk_arena_chunk {
    struct smk_arena_chunk *prev;
    size_t size; /* usable bytes after the header */
    size_t used;
    max_align_t data[];
};

#define ARENA_ALIGN (alignof(max_align_t))
#define ARENA_FIRST_CHUNK 4096u

void smk_arena_init(struct smk_arena *a, size_t max)
{
    a->head = NULL;
    a->total = 0;
    a->max = max;
}

static void free_chain(struct smk_arena_chunk *c)
{
    while (c) {
        struct smk_arena_chunk *prev = c->prev;
        free(c);
        c = prev;
    }
}

void smk_arena_reset(struct smk_arena *a)
{
    struct smk_arena_chunk *keep = a->head, *c;

    /* Keep the largest chunk: the next run of the same shape then fits. */
    for (c = a->head; c; c = c->prev)
        if (c->size > keep->size)
            keep = c;
    for (c = a->head; c;) {
        struct smk_arena_chunk *prev = c->prev;
        if (c != keep)
            free(c);
        c = prev;
    }
    if (keep) {
        keep->prev = NULL;
        keep->used = 0;
    }
    a->head = keep;
    a->total = 0;
}

void smk_arena_cleanup(struct smk_arena *a)
{
    free_chain(a->head);
    a->head = NULL;
    a->total = 0;
}

void *smk_arena_alloc(struct smk_arena *a, size_t n)
{
    struct smk_arena_chunk *c = a->head;
    size_t rounded, size;
    void *p;

    if (n == 0)
        n = 1;
    if (n > ((size_t)-1) / 2)
        return NULL;
    rounded = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    if (a->max && (rounded > a->max || a->total > a->max - rounded))
        return NULL;
    if (c == NULL || c->size - c->used < rounded) {
        size = c ? c->size * 2 : ARENA_FIRST_CHUNK;
        while (size < rounded)
            size *= 2;
        c = malloc(sizeof(*c) + size);
        if (c == NULL)
            return NULL;
        c->prev = a->head;
        c->size = size;
        c->used = 0;
        a->head = c;
    }
    p = (char *)c->data + c->used;
    c->used += rounded;
    a->total += rounded;
    return p;
}

char *smk_arena_strndup(struct smk_arena *a, const char *p, size_t n)
{
    char *s;

    if (n == (size_t)-1)
        return NULL;
    s = smk_arena_alloc(a, n + 1);
    if (s == NULL)
        return NULL;
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}
