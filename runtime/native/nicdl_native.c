/*
 * nicdl's native addon: the few system calls Node cannot make by itself.
 *
 *   mmapFd(fd, offset, length, writable)  -> ArrayBuffer | -errno   (a BAR, a file)
 *   dmaAlloc(length, hugepage)            -> { buffer, address, hugepage } | -errno
 *   munmap(buffer)                        -> 0 | -errno   (detaches the ArrayBuffer)
 *   addressOf(buffer | view)              -> BigInt (process virtual address)
 *   ioctl(fd, request, arg)               -> result >= 0 | -errno
 *   eventfd(initval)                      -> fd | -errno  (non-blocking, close-on-exec)
 *   eventfdRead(fd)                       -> count | -errno (-EAGAIN: nothing pending)
 *
 * Failures return -errno as a number instead of throwing, so the TypeScript side turns
 * each into the right typed error. Every mapping is an external ArrayBuffer: a GC
 * finalizer unmaps it if JS drops it, and munmap() detaches it first, so any later JS
 * access sees a zero-length buffer (and the Mmio class throws) instead of touching
 * unmapped memory and crashing the process.
 *
 * N-API only (version 8: napi_detach_arraybuffer needs 7).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
/* log2(2 MiB) in the MAP_HUGE_* size field: ask for 2 MiB pages explicitly. */
#define HUGE_2MB_FLAG (21 << MAP_HUGE_SHIFT)

/* One live mapping. Owned by the GC finalizer, which always frees it; munmap() only
 * unmaps early and unlinks it so a later mapping at the same address is not confused. */
typedef struct mapping {
  void *addr;
  size_t length;
  int unmapped;
  struct mapping *next;
} mapping;

static mapping *live = NULL;
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;

static void unlink_mapping(mapping *m) {
  pthread_mutex_lock(&live_lock);
  for (mapping **p = &live; *p; p = &(*p)->next) {
    if (*p == m) { *p = m->next; break; }
  }
  pthread_mutex_unlock(&live_lock);
}

static mapping *find_mapping(void *addr) {
  pthread_mutex_lock(&live_lock);
  mapping *m = live;
  while (m && m->addr != addr) m = m->next;
  pthread_mutex_unlock(&live_lock);
  return m;
}

static void finalize_mapping(napi_env env, void *data, void *hint) {
  (void)env; (void)data;
  mapping *m = hint;
  if (!m->unmapped) {
    unlink_mapping(m);
    munmap(m->addr, m->length);
  }
  free(m);
}

static napi_value num(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

static napi_value neg_errno(napi_env env) { return num(env, -(double)errno); }

/* Wrap a fresh mapping in an external ArrayBuffer (or undo it and report ENOMEM). */
static napi_value wrap_mapping(napi_env env, void *addr, size_t length) {
  mapping *m = calloc(1, sizeof *m);
  napi_value buf;
  if (!m) { munmap(addr, length); return num(env, -ENOMEM); }
  m->addr = addr; m->length = length;
  if (napi_create_external_arraybuffer(env, addr, length, finalize_mapping, m, &buf) != napi_ok) {
    munmap(addr, length); free(m);
    return num(env, -ENOMEM);
  }
  pthread_mutex_lock(&live_lock);
  m->next = live; live = m;
  pthread_mutex_unlock(&live_lock);
  return buf;
}

/* Fetch `want` arguments (missing ones read as undefined); fewer than `need` throws. */
static int get_args_min(napi_env env, napi_callback_info info, size_t want, size_t need, napi_value *argv) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < need) { napi_throw_type_error(env, NULL, "nicdl_native: too few arguments"); return 0; }
  return 1;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  return get_args_min(env, info, want, want, argv);
}

static int64_t int_arg(napi_env env, napi_value v) {
  int64_t x = 0;
  napi_get_value_int64(env, v, &x);
  return x;
}

/* Pointer and length of an ArrayBuffer, TypedArray, Buffer or DataView; NULL otherwise. */
static void *bytes_of(napi_env env, napi_value v, size_t *length) {
  bool is;
  void *data = NULL;
  *length = 0;
  if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    napi_get_arraybuffer_info(env, v, &data, length);
  } else if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type; size_t count, offset; napi_value ab;
    napi_get_typedarray_info(env, v, &type, &count, &data, &ab, &offset);
    size_t ab_len; void *ab_data;
    napi_get_arraybuffer_info(env, ab, &ab_data, &ab_len);
    *length = ab_len - offset; /* upper bound; ioctl structs are far smaller */
  } else if (napi_is_dataview(env, v, &is) == napi_ok && is) {
    napi_value ab; size_t offset;
    napi_get_dataview_info(env, v, length, &data, &ab, &offset);
  }
  return data;
}

static napi_value js_mmap_fd(napi_env env, napi_callback_info info) {
  napi_value a[4];
  if (!get_args(env, info, 4, a)) return NULL;
  int fd = (int)int_arg(env, a[0]);
  off_t offset = (off_t)int_arg(env, a[1]);
  size_t length = (size_t)int_arg(env, a[2]);
  bool writable = false;
  napi_get_value_bool(env, a[3], &writable);
  int prot = PROT_READ | (writable ? PROT_WRITE : 0);
  void *p = mmap(NULL, length, prot, MAP_SHARED, fd, offset);
  if (p == MAP_FAILED) return neg_errno(env);
  return wrap_mapping(env, p, length);
}

static napi_value js_dma_alloc(napi_env env, napi_callback_info info) {
  napi_value a[2];
  if (!get_args(env, info, 2, a)) return NULL;
  size_t length = (size_t)int_arg(env, a[0]);
  bool huge = false;
  napi_get_value_bool(env, a[1], &huge);
  /* MAP_SHARED keeps the pages out of copy-on-write after fork (DMA must never move). */
  int flags = MAP_SHARED | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE;
  if (huge) flags |= MAP_HUGETLB | HUGE_2MB_FLAG;
  void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (p == MAP_FAILED) return neg_errno(env);
  /* Never swapped out while the device may write into it. */
  if (mlock(p, length) != 0) { int e = errno; munmap(p, length); return num(env, -e); }
  napi_value buf = wrap_mapping(env, p, length);
  napi_valuetype t;
  napi_typeof(env, buf, &t);
  if (t == napi_number) return buf;
  napi_value obj, addr, hv;
  napi_create_object(env, &obj);
  napi_create_bigint_uint64(env, (uint64_t)(uintptr_t)p, &addr);
  napi_get_boolean(env, huge, &hv);
  napi_set_named_property(env, obj, "buffer", buf);
  napi_set_named_property(env, obj, "address", addr);
  napi_set_named_property(env, obj, "hugepage", hv);
  return obj;
}

static napi_value js_munmap(napi_env env, napi_callback_info info) {
  napi_value a[1];
  if (!get_args(env, info, 1, a)) return NULL;
  void *data = NULL; size_t length = 0;
  if (napi_get_arraybuffer_info(env, a[0], &data, &length) != napi_ok) return num(env, -EINVAL);
  mapping *m = data ? find_mapping(data) : NULL;
  if (!m || m->unmapped) return num(env, -EINVAL); /* not ours, or already unmapped */
  /* Detach first: from here on JS sees a zero-length buffer, never the stale pages. */
  if (napi_detach_arraybuffer(env, a[0]) != napi_ok) return num(env, -EPERM);
  unlink_mapping(m);
  m->unmapped = 1;
  if (munmap(m->addr, m->length) != 0) return neg_errno(env);
  return num(env, 0);
}

static napi_value js_address_of(napi_env env, napi_callback_info info) {
  napi_value a[1], r;
  if (!get_args(env, info, 1, a)) return NULL;
  size_t length;
  void *p = bytes_of(env, a[0], &length);
  napi_create_bigint_uint64(env, (uint64_t)(uintptr_t)p, &r);
  return r;
}

static napi_value js_ioctl(napi_env env, napi_callback_info info) {
  napi_value a[3];
  if (!get_args_min(env, info, 3, 2, a)) return NULL;
  int fd = (int)int_arg(env, a[0]);
  unsigned long request = (unsigned long)int_arg(env, a[1]);
  napi_valuetype t;
  napi_typeof(env, a[2], &t);
  int r;
  if (t == napi_number) {
    r = ioctl(fd, request, (unsigned long)int_arg(env, a[2]));
  } else if (t == napi_undefined || t == napi_null) {
    r = ioctl(fd, request, 0UL);
  } else {
    size_t length;
    void *p = bytes_of(env, a[2], &length);
    if (!p) return num(env, -EFAULT);
    r = ioctl(fd, request, p);
  }
  return r < 0 ? neg_errno(env) : num(env, r);
}

static napi_value js_eventfd(napi_env env, napi_callback_info info) {
  napi_value a[1];
  if (!get_args(env, info, 1, a)) return NULL;
  int fd = eventfd((unsigned int)int_arg(env, a[0]), EFD_NONBLOCK | EFD_CLOEXEC);
  return fd < 0 ? neg_errno(env) : num(env, fd);
}

static napi_value js_eventfd_read(napi_env env, napi_callback_info info) {
  napi_value a[1];
  if (!get_args(env, info, 1, a)) return NULL;
  eventfd_t count = 0;
  if (eventfd_read((int)int_arg(env, a[0]), &count) != 0) return neg_errno(env);
  return num(env, (double)count);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
    {"mmapFd", NULL, js_mmap_fd, NULL, NULL, NULL, napi_default, NULL},
    {"dmaAlloc", NULL, js_dma_alloc, NULL, NULL, NULL, napi_default, NULL},
    {"munmap", NULL, js_munmap, NULL, NULL, NULL, napi_default, NULL},
    {"addressOf", NULL, js_address_of, NULL, NULL, NULL, napi_default, NULL},
    {"ioctl", NULL, js_ioctl, NULL, NULL, NULL, napi_default, NULL},
    {"eventfd", NULL, js_eventfd, NULL, NULL, NULL, napi_default, NULL},
    {"eventfdRead", NULL, js_eventfd_read, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
  return exports;
}

NAPI_MODULE(nicdl_native, init)
