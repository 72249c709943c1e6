// Arenas for libxml2 document trees: see pw_xml.h ("libxml2 document arenas") for what and why.
//
// Layout. One address range is reserved once (PROT_NONE, so it costs no memory and no commit charge) and cut into
// 1 MiB chunks, made writable as they are first needed. An arena is a list of chunks and a bump cursor; a block is
// a 16-byte header holding its size, then the caller's bytes (16-byte aligned, as malloc's are). Freed chunks go
// to a shared list for the next arena; past PW_ARENA_HOT_CHUNKS of them, their pages are given back to the kernel.
//
// The hooks. While a thread has an arena (between pw_xml_arena_begin and pw_xml_arena_end), libxml2's small
// allocations come from it; large ones, and every allocation outside an arena, come from malloc. Freeing a block
// of the reserved range does nothing (the arena takes it back whole); anything else goes to free(). So a pointer
// is told apart by its address alone, whichever thread frees it and whenever.
#include "pw_xml.h"

#include <libxml/xmlmemory.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PW_ARENA_RESERVE_BYTES ((size_t)16 << 30)
#define PW_ARENA_CHUNK_BYTES ((size_t)4 << 20)
#define PW_ARENA_HEADER_BYTES ((size_t)16)
#define PW_ARENA_LARGE_BYTES ((size_t)1 << 20)
#define PW_ARENA_HOT_CHUNKS 16

typedef struct pw_arena_chunk {
  struct pw_arena_chunk *next;
} pw_arena_chunk;

struct pw_xml_arena {
  pw_arena_chunk *chunks;  // the chunk in use first
  char *cursor;
  char *end;
  int escaped;  // something was allocated from malloc while this arena was current
};

// Written once by pw_xml_arena_install (before any parse, under Swift's one-time initialisation), read after.
static _Atomic(uintptr_t) reserve_start = 0;
static _Atomic(uintptr_t) reserve_end = 0;

static pthread_mutex_t chunks_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t reserve_used = 0;          // bytes of the range cut into chunks so far
static pw_arena_chunk *free_chunks = NULL;
static size_t free_chunk_count = 0;
static size_t chunks_in_arenas = 0;

static __thread pw_xml_arena *current_arena = NULL;

static int in_reserve(const void *pointer) {
  uintptr_t address = (uintptr_t)pointer;
  return address >= atomic_load_explicit(&reserve_start, memory_order_relaxed)
    && address < atomic_load_explicit(&reserve_end, memory_order_relaxed);
}

static pw_arena_chunk *take_chunk(void) {
  pw_arena_chunk *chunk = NULL;
  pthread_mutex_lock(&chunks_lock);
  if (free_chunks != NULL) {
    chunk = free_chunks;
    free_chunks = chunk->next;
    free_chunk_count -= 1;
  } else {
    uintptr_t start = atomic_load_explicit(&reserve_start, memory_order_relaxed);
    uintptr_t end = atomic_load_explicit(&reserve_end, memory_order_relaxed);
    if (start != 0 && reserve_used + PW_ARENA_CHUNK_BYTES <= end - start) {
      void *candidate = (void *)(start + reserve_used);
      if (mprotect(candidate, PW_ARENA_CHUNK_BYTES, PROT_READ | PROT_WRITE) == 0) {
        reserve_used += PW_ARENA_CHUNK_BYTES;
        chunk = candidate;
      }
    }
  }
  if (chunk != NULL) {
    chunks_in_arenas += 1;
  }
  pthread_mutex_unlock(&chunks_lock);
  return chunk;
}

static void *arena_alloc(pw_xml_arena *arena, size_t size) {
  if (size > PW_ARENA_LARGE_BYTES) {
    return NULL;
  }
  size_t need = PW_ARENA_HEADER_BYTES + ((size + 15) & ~(size_t)15);
  if (arena->cursor == NULL || (size_t)(arena->end - arena->cursor) < need) {
    pw_arena_chunk *chunk = take_chunk();
    if (chunk == NULL) {
      return NULL;
    }
    chunk->next = arena->chunks;
    arena->chunks = chunk;
    arena->cursor = (char *)chunk + PW_ARENA_HEADER_BYTES;
    arena->end = (char *)chunk + PW_ARENA_CHUNK_BYTES;
  }
  char *block = arena->cursor;
  arena->cursor += need;
  *(size_t *)block = size;
  return block + PW_ARENA_HEADER_BYTES;
}

static void *hook_malloc(size_t size) {
  pw_xml_arena *arena = current_arena;
  if (arena != NULL) {
    void *block = arena_alloc(arena, size);
    if (block != NULL) {
      return block;
    }
    arena->escaped = 1;
  }
  return malloc(size);
}

static void hook_free(void *pointer) {
  if (pointer != NULL && !in_reserve(pointer)) {
    free(pointer);
  }
}

static void *hook_realloc(void *pointer, size_t size) {
  if (pointer == NULL) {
    return hook_malloc(size);
  }
  pw_xml_arena *arena = current_arena;
  if (!in_reserve(pointer)) {
    if (arena != NULL) {
      arena->escaped = 1;
    }
    return realloc(pointer, size);
  }
  size_t *header = (size_t *)((char *)pointer - PW_ARENA_HEADER_BYTES);
  size_t old_size = *header;
  if (size <= old_size) {
    return pointer;
  }
  // The newest block of the current chunk grows where it is (libxml2 grows text and buffers this way).
  char *old_end = (char *)pointer + ((old_size + 15) & ~(size_t)15);
  size_t new_span = (size + 15) & ~(size_t)15;
  if (arena != NULL && old_end == arena->cursor && size <= PW_ARENA_LARGE_BYTES
      && (size_t)(arena->end - (char *)pointer) >= new_span) {
    arena->cursor = (char *)pointer + new_span;
    *header = size;
    return pointer;
  }
  void *grown = hook_malloc(size);
  if (grown != NULL) {
    memcpy(grown, pointer, old_size);
  }
  return grown;
}

static char *hook_strdup(const char *string) {
  size_t length = strlen(string) + 1;
  char *copy = hook_malloc(length);
  if (copy != NULL) {
    memcpy(copy, string, length);
  }
  return copy;
}

int pw_xml_arena_install(void) {
  void *range = mmap(NULL, PW_ARENA_RESERVE_BYTES, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (range == MAP_FAILED) {
    return 0;
  }
  if (xmlMemSetup(hook_free, hook_malloc, hook_realloc, hook_strdup) != 0) {
    munmap(range, PW_ARENA_RESERVE_BYTES);
    return 0;
  }
  atomic_store(&reserve_end, (uintptr_t)range + PW_ARENA_RESERVE_BYTES);
  atomic_store(&reserve_start, (uintptr_t)range);
  return 1;
}

pw_xml_arena *pw_xml_arena_new(void) {
  if (atomic_load(&reserve_start) == 0) {
    return NULL;
  }
  return calloc(1, sizeof(pw_xml_arena));
}

void pw_xml_arena_begin(pw_xml_arena *arena) {
  current_arena = arena;
}

void pw_xml_arena_end(void) {
  current_arena = NULL;
}

void pw_xml_arena_free_doc(pw_xml_arena *arena, xmlDocPtr doc) {
  // A tree built wholly in its arena goes with it; one that also holds malloc'd blocks is freed node by node.
  if (doc != NULL && (arena == NULL || arena->escaped)) {
    xmlFreeDoc(doc);
  }
  if (arena == NULL) {
    return;
  }
  pthread_mutex_lock(&chunks_lock);
  pw_arena_chunk *chunk = arena->chunks;
  while (chunk != NULL) {
    pw_arena_chunk *next = chunk->next;
    if (free_chunk_count >= PW_ARENA_HOT_CHUNKS) {
      // Keep the range, give the pages back: the chunk reads as zeros when it is next used.
      madvise(chunk, PW_ARENA_CHUNK_BYTES, MADV_DONTNEED);
    }
    chunk->next = free_chunks;
    free_chunks = chunk;
    free_chunk_count += 1;
    chunks_in_arenas -= 1;
    chunk = next;
  }
  pthread_mutex_unlock(&chunks_lock);
  free(arena);
}

size_t pw_xml_arena_chunks_in_use(void) {
  pthread_mutex_lock(&chunks_lock);
  size_t count = chunks_in_arenas;
  pthread_mutex_unlock(&chunks_lock);
  return count;
}

int pw_xml_arena_self_contained(const pw_xml_arena *arena) {
  return arena != NULL && !arena->escaped;
}
