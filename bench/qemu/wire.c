/*
 * The host end of the bench NIC's `-netdev dgram` link. QEMU carries every Ethernet frame
 * as one UDP datagram on loopback; counting or sending several hundred thousand of them a
 * second from node would take the CPU the emulated NIC needs, so this small program does
 * it with recvmmsg/sendmmsg. Built by bench/qemu/wire.mjs with the system C compiler.
 *
 *   wire count PORT SECONDS SIZE
 *       Binds 127.0.0.1:PORT (the port QEMU sends the NIC's frames to), prints "ready" on
 *       stderr, counts frames until SECONDS pass or SIGINT/SIGTERM, then prints
 *       {"binMs":10,"bins":[...],"sizes":{"60":n,...},"frames":n,"bytes":n,"dropped":n}:
 *       bins count the frames of SIZE bytes (every frame when SIZE is 0) received in each
 *       10 ms; dropped is what our socket lost when we could not keep up.
 *   wire blast PORT SIZE SECONDS PPS DSTMAC
 *       Sends SIZE-byte frames (EtherType 0x88b5, to DSTMAC) to 127.0.0.1:PORT (QEMU's
 *       side of the link). It first trickles (PROBE_PPS) until QEMU reads its socket, i.e.
 *       the NIC has RX enabled and free descriptors (QEMU leaves the socket alone until
 *       then), so a receiver that takes seconds to start is not made slower by a host core
 *       spent on frames nobody takes; then it sends for SECONDS, as fast as it can when
 *       PPS is 0, else paced to PPS. Every 100 ms it reads the drop counter of QEMU's
 *       socket (/proc/net/udp): a frame sent and not dropped there is one QEMU took off
 *       the wire into the NIC. Prints {"sent":n,"dropped":n,"seconds":s,"waitedS":s,
 *       "pps":p,"errors":n,"binMs":100,"accepted":[...]} (bins from the end of the wait).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
  BATCH = 64,                /* datagrams per recvmmsg/sendmmsg call */
  MAX_FRAME_BYTES = 65536,   /* one UDP datagram at most */
  COUNT_BIN_MS = 10,         /* fine enough to find when a run starts and ends */
  MAX_BINS = 360000,         /* one hour of 10 ms bins */
  BLAST_BIN_MS = 100,        /* /proc/net/udp is read this often while blasting */
  PROBE_PPS = 2000,          /* the trickle while waiting for QEMU to read */
  READING_QUEUE_BYTES = 16384, /* QEMU's socket queue below this after a probe bin: it reads */
  MAX_WAIT_S = 600,
  RCVBUF_BYTES = 64 << 20,   /* absorbs bursts while we are descheduled (~80k small frames) */
  SIZE_SLOTS = 9019,         /* frame sizes 0..9018 histogrammed, larger in the last slot */
  ETHERTYPE_EXPERIMENTAL = 0x88b5,
  MAC_BYTES = 6,
};
static const uint8_t SRC_MAC[MAC_BYTES] = {0x02, 0, 0, 0, 0, 0x01}; /* locally administered */

static volatile sig_atomic_t stop_requested;
static int udp_socket_state(int port, long long *drops, long long *queued_bytes);
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int loopback_socket(int port, int bind_it) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) { perror("socket"); exit(2); }
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind_it) {
    int size = RCVBUF_BYTES;
    /* FORCE passes net.core.rmem_max as root; the plain option is the fallback. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); exit(2); }
  } else if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    perror("connect");
    exit(2);
  }
  return fd;
}

static int count(int port, double seconds, unsigned size) {
  static uint8_t buffers[BATCH][MAX_FRAME_BYTES];
  static uint32_t bins[MAX_BINS];
  static uint64_t sizes[SIZE_SLOTS];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  int fd = loopback_socket(port, 1);
  /* Wake at least every bin so SECONDS and signals are noticed on a silent link. */
  struct timeval tv = {.tv_sec = 0, .tv_usec = COUNT_BIN_MS * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  for (int i = 0; i < BATCH; i++) {
    iov[i] = (struct iovec){.iov_base = buffers[i], .iov_len = MAX_FRAME_BYTES};
    msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
  }
  fprintf(stderr, "ready\n");
  fflush(stderr);
  double t0 = now_s();
  uint64_t frames = 0, bytes = 0;
  int last_bin = 0;
  while (!stop_requested) {
    double t = now_s() - t0;
    if (t >= seconds) break;
    int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      perror("recvmmsg");
      return 2;
    }
    int bin = (int)((now_s() - t0) * 1000 / COUNT_BIN_MS);
    if (bin >= MAX_BINS) bin = MAX_BINS - 1;
    if (bin > last_bin) last_bin = bin;
    frames += n;
    for (int i = 0; i < n; i++) {
      unsigned len = msgs[i].msg_len;
      bytes += len;
      sizes[len < SIZE_SLOTS ? len : SIZE_SLOTS - 1]++;
      if (size == 0 || len == size) bins[bin]++;
    }
  }
  int used = (int)((now_s() - t0) * 1000 / COUNT_BIN_MS) + 1;
  if (used > MAX_BINS) used = MAX_BINS;
  if (used < last_bin + 1) used = last_bin + 1;
  printf("{\"binMs\":%d,\"bins\":[", COUNT_BIN_MS);
  for (int i = 0; i < used; i++) printf("%s%u", i ? "," : "", bins[i]);
  printf("],\"sizes\":{");
  int first = 1;
  for (int s = 0; s < SIZE_SLOTS; s++)
    if (sizes[s]) {
      printf("%s\"%d\":%llu", first ? "" : ",", s, (unsigned long long)sizes[s]);
      first = 0;
    }
  /* Frames lost at our own socket (we were descheduled too long): the counts above miss them. */
  long long dropped = 0, queued;
  udp_socket_state(port, &dropped, &queued);
  printf("},\"frames\":%llu,\"bytes\":%llu,\"dropped\":%lld}\n", (unsigned long long)frames,
         (unsigned long long)bytes, dropped);
  return 0;
}

static int parse_mac(const char *text, uint8_t *mac) {
  unsigned v[MAC_BYTES];
  if (sscanf(text, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != MAC_BYTES) return -1;
  for (int i = 0; i < MAC_BYTES; i++) mac[i] = (uint8_t)v[i];
  return 0;
}

/*
 * The socket bound to 127.0.0.1:PORT in /proc/net/udp: datagrams the kernel dropped there
 * because its receive buffer was full ("drops", the last field) and the bytes waiting in
 * it (rx_queue). Returns -1 when no such socket exists. QEMU stops reading its socket
 * while the NIC cannot take a frame, so drops are the frames the NIC did not take.
 */
static int udp_socket_state(int port, long long *drops, long long *queued_bytes) {
  FILE *f = fopen("/proc/net/udp", "r");
  if (!f) return -1;
  char line[512], local[16];
  snprintf(local, sizeof local, "0100007F:%04X", port);
  int found = -1;
  while (fgets(line, sizeof line, f)) {
    char addr[64];
    unsigned long txq, rxq;
    if (sscanf(line, " %*s %63s %*s %*s %lx:%lx", addr, &txq, &rxq) != 3 || strcmp(addr, local) != 0) continue;
    /* drops is the last field of the line (which has trailing blanks) */
    char *save = NULL, *last = NULL;
    for (char *tok = strtok_r(line, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) last = tok;
    *drops = last ? atoll(last) : 0;
    *queued_bytes = (long long)rxq;
    found = 0;
    break;
  }
  fclose(f);
  return found;
}

static void sleep_s(double s) {
  struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - (time_t)s) * 1e9)};
  if (s > 0) nanosleep(&ts, NULL);
}

/* Sends one batch of `n` frames; returns frames sent (0 on an error, counted). */
static int send_batch(int fd, struct mmsghdr *msgs, int n, uint64_t *errors) {
  int sent = sendmmsg(fd, msgs, n, 0);
  if (sent < 0) { /* ENOBUFS, or ECONNREFUSED after QEMU's port vanished: keep going */
    (*errors)++;
    return 0;
  }
  return sent;
}

/* Trickles frames until QEMU drains its socket; returns seconds waited, -1 if it never did. */
static double wait_until_read(int fd, struct mmsghdr *msgs, int port, uint64_t *sent, uint64_t *errors) {
  const int per_bin = PROBE_PPS * BLAST_BIN_MS / 1000;
  double t0 = now_s();
  while (!stop_requested && now_s() - t0 < MAX_WAIT_S) {
    for (int i = 0; i < per_bin; i += BATCH) *sent += send_batch(fd, msgs, per_bin - i < BATCH ? per_bin - i : BATCH, errors);
    sleep_s(BLAST_BIN_MS / 1000.0);
    long long drops, queued;
    if (udp_socket_state(port, &drops, &queued) < 0) return -1;
    if (queued < READING_QUEUE_BYTES) return now_s() - t0;
  }
  return -1;
}

static int blast(int port, int size, double seconds, double pps, const char *dst_mac) {
  static uint8_t frame[MAX_FRAME_BYTES];
  static uint32_t accepted[MAX_BINS];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  if (size < 2 * MAC_BYTES + 2 || size > MAX_FRAME_BYTES) { fprintf(stderr, "bad size %d\n", size); return 2; }
  if (parse_mac(dst_mac, frame) < 0) { fprintf(stderr, "bad MAC %s\n", dst_mac); return 2; }
  memcpy(frame + MAC_BYTES, SRC_MAC, MAC_BYTES);
  frame[2 * MAC_BYTES] = ETHERTYPE_EXPERIMENTAL >> 8;
  frame[2 * MAC_BYTES + 1] = ETHERTYPE_EXPERIMENTAL & 0xff;
  int fd = loopback_socket(port, 0);
  for (int i = 0; i < BATCH; i++) {
    iov[i] = (struct iovec){.iov_base = frame, .iov_len = (size_t)size};
    msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
  }
  long long drops0, queued;
  if (udp_socket_state(port, &drops0, &queued) < 0) {
    fprintf(stderr, "no socket on 127.0.0.1:%d in /proc/net/udp (is QEMU running?)\n", port);
    return 2;
  }
  uint64_t sent = 0, errors = 0;
  double waited = wait_until_read(fd, msgs, port, &sent, &errors);
  long long drops_prev;
  udp_socket_state(port, &drops_prev, &queued);
  double t0 = now_s(), t = 0;
  uint64_t sent_start = sent, sent_prev = sent;
  int bins = 0;
  while (waited >= 0 && !stop_requested && (t = now_s() - t0) < seconds) {
    if (t * 1000 >= (bins + 1) * BLAST_BIN_MS && bins < MAX_BINS) {
      long long d;
      udp_socket_state(port, &d, &queued);
      accepted[bins++] = (uint32_t)((sent - sent_prev) - (d - drops_prev));
      sent_prev = sent;
      drops_prev = d;
    }
    if (pps > 0 && sent - sent_start >= pps * t) {
      sleep_s((sent - sent_start + BATCH) / pps - t); /* ahead of the pace */
      continue;
    }
    sent += send_batch(fd, msgs, BATCH, &errors);
  }
  long long drops_end;
  udp_socket_state(port, &drops_end, &queued);
  uint64_t full = sent - sent_start;
  printf("{\"sent\":%llu,\"dropped\":%lld,\"seconds\":%.3f,\"waitedS\":%.3f,\"pps\":%.0f,\"errors\":%llu,"
         "\"binMs\":%d,\"accepted\":[",
         (unsigned long long)sent, drops_end - drops0, t, waited, t > 0 ? full / t : 0.0, (unsigned long long)errors,
         BLAST_BIN_MS);
  for (int i = 0; i < bins; i++) printf("%s%u", i ? "," : "", accepted[i]);
  printf("]}\n");
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  if (argc == 5 && strcmp(argv[1], "count") == 0) return count(atoi(argv[2]), atof(argv[3]), (unsigned)atoi(argv[4]));
  if (argc == 7 && strcmp(argv[1], "blast") == 0)
    return blast(atoi(argv[2]), atoi(argv[3]), atof(argv[4]), atof(argv[5]), argv[6]);
  fprintf(stderr, "usage: wire count PORT SECONDS SIZE | wire blast PORT SIZE SECONDS PPS DSTMAC\n");
  return 2;
}
