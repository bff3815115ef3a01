// Batched UDP socket for anycastd: one recvmmsg per readable event, one JS call per batch, one sendmmsg for the replies.
//
// Memory shared with JS (all allocated by JS, checked here once, and re-checked for detachment per batch):
//   rx     batch * rxSlot bytes     datagram i lands at i * rxSlot
//   tx     batch * txSlot bytes     JS writes reply i at i * txSlot
//   lens   3 * batch int32          [0,batch) rx length (-1: truncated), [batch,2batch) reply length (0: none),
//                                   [2batch,3batch) source address length
//   addrs  batch * ADDR_SLOT bytes  source sockaddr i, replies go back to it
// Every value JS can write (reply and address lengths) is bounds-checked before the kernel sees it.

#include <napi.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

namespace {

constexpr int ADDR_SLOT = 32;  // >= sizeof(sockaddr_in6) (28)
constexpr int MAX_BATCH = 1024;
constexpr int MIN_SLOT = 512;
constexpr int MAX_SLOT = 65536;
/** Batches read per readable event before yielding to the loop (the poll is level-triggered: the rest comes next turn). */
constexpr int MAX_ROUNDS = 8;

enum Stat { kRecvErrors, kSendErrors, kSendDropped, kBadReply, kTruncatedIn, kStatCount };

/** uv_poll_t first: the handle pointer libuv hands to free() is the block calloc returned. */
struct PollBox {
  uv_poll_t poll;
  int fd;
};
static_assert(offsetof(PollBox, poll) == 0, "poll must be first");

class UdpBatchSocket : public Napi::ObjectWrap<UdpBatchSocket> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "UdpBatchSocket", {
      InstanceMethod("close", &UdpBatchSocket::Close),
      InstanceMethod("port", &UdpBatchSocket::Port),
      InstanceMethod("stats", &UdpBatchSocket::Stats),
    });
  }

  // new UdpBatchSocket(host, port, family, batch, rxSlot, txSlot, rx, tx, lens, addrs, onBatch)
  explicit UdpBatchSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<UdpBatchSocket>(info), env_(info.Env()) {
    Napi::Env env = info.Env();
    if (info.Length() != 11 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber() || !info[3].IsNumber() ||
        !info[4].IsNumber() || !info[5].IsNumber() || !info[6].IsArrayBuffer() || !info[7].IsArrayBuffer() ||
        !info[8].IsArrayBuffer() || !info[9].IsArrayBuffer() || !info[10].IsFunction()) {
      Napi::TypeError::New(env, "UdpBatchSocket(host, port, family, batch, rxSlot, txSlot, rx, tx, lens, addrs, onBatch)")
          .ThrowAsJavaScriptException();
      return;
    }
    std::string host = info[0].As<Napi::String>().Utf8Value();
    int port = info[1].As<Napi::Number>().Int32Value();
    int family = info[2].As<Napi::Number>().Int32Value();
    batch_ = info[3].As<Napi::Number>().Int32Value();
    rxSlot_ = info[4].As<Napi::Number>().Int32Value();
    txSlot_ = info[5].As<Napi::Number>().Int32Value();
    if (port < 0 || port > 65535 || (family != 4 && family != 6) || batch_ < 1 || batch_ > MAX_BATCH ||
        rxSlot_ < MIN_SLOT || rxSlot_ > MAX_SLOT || txSlot_ < MIN_SLOT || txSlot_ > MAX_SLOT) {
      Napi::RangeError::New(env, "UdpBatchSocket: port, family, batch or slot size out of range").ThrowAsJavaScriptException();
      return;
    }
    Napi::ArrayBuffer rx = info[6].As<Napi::ArrayBuffer>(), tx = info[7].As<Napi::ArrayBuffer>();
    Napi::ArrayBuffer lens = info[8].As<Napi::ArrayBuffer>(), addrs = info[9].As<Napi::ArrayBuffer>();
    size_t b = static_cast<size_t>(batch_);
    if (rx.ByteLength() < b * rxSlot_ || tx.ByteLength() < b * txSlot_ || lens.ByteLength() < b * 3 * sizeof(int32_t) ||
        addrs.ByteLength() < b * ADDR_SLOT) {
      Napi::RangeError::New(env, "UdpBatchSocket: a shared buffer is smaller than batch * slot").ThrowAsJavaScriptException();
      return;
    }
    rx_ = static_cast<uint8_t*>(rx.Data());
    tx_ = static_cast<uint8_t*>(tx.Data());
    lens_ = static_cast<int32_t*>(lens.Data());
    addrs_ = static_cast<uint8_t*>(addrs.Data());
    rxRef_ = Napi::Persistent(rx);
    txRef_ = Napi::Persistent(tx);
    lensRef_ = Napi::Persistent(lens);
    addrsRef_ = Napi::Persistent(addrs);
    onBatch_ = Napi::Persistent(info[10].As<Napi::Function>());

    sockaddr_storage sa;
    socklen_t saLen;
    memset(&sa, 0, sizeof sa);
    if (family == 4) {
      auto* in = reinterpret_cast<sockaddr_in*>(&sa);
      in->sin_family = AF_INET;
      in->sin_port = htons(static_cast<uint16_t>(port));
      if (inet_pton(AF_INET, host.c_str(), &in->sin_addr) != 1) { ThrowErrno(env, "bad IPv4 address", EINVAL); return; }
      saLen = sizeof(sockaddr_in);
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&sa);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(static_cast<uint16_t>(port));
      if (inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) != 1) { ThrowErrno(env, "bad IPv6 address", EINVAL); return; }
      saLen = sizeof(sockaddr_in6);
    }
    int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) { ThrowErrno(env, "socket", errno); return; }
    int one = 1;
    int rcvbuf = 4 * 1024 * 1024;
    // Several data-path threads or processes bind the same address; the kernel spreads datagrams among them.
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
        (family == 6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)) {
      int e = errno;
      close(fd);
      { ThrowErrno(env, "setsockopt", e); return; }
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);  // capped by rmem_max; the default still works
    if (bind(fd, reinterpret_cast<sockaddr*>(&sa), saLen) != 0) {
      int e = errno;
      close(fd);
      { ThrowErrno(env, "bind", e); return; }
    }
    sockaddr_storage bound;
    socklen_t boundLen = sizeof bound;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &boundLen) == 0) {
      port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);  // same offset in sockaddr_in6
    }

    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
      close(fd);
      Napi::Error::New(env, "UdpBatchSocket: no event loop").ThrowAsJavaScriptException();
      return;
    }
    box_ = static_cast<PollBox*>(calloc(1, sizeof(PollBox)));  // freed by free() as uv_close's callback
    if (box_ == nullptr) {
      close(fd);
      Napi::Error::New(env, "UdpBatchSocket: out of memory").ThrowAsJavaScriptException();
      return;
    }
    box_->fd = fd;
    box_->poll.data = this;
    if (uv_poll_init(loop, &box_->poll, fd) != 0) {
      close(fd);
      free(box_);
      box_ = nullptr;
      Napi::Error::New(env, "UdpBatchSocket: uv_poll_init failed").ThrowAsJavaScriptException();
      return;
    }
    msgs_.resize(b);
    rxIov_.resize(b);
    txMsgs_.resize(b);
    txIov_.resize(b);
    uv_poll_start(&box_->poll, UV_READABLE, OnReadable);
    open_ = true;
    Ref();  // an open socket lives until close(), even if JS drops it
    napi_add_env_cleanup_hook(env, CleanupHook, this);
  }

  ~UdpBatchSocket() override { Shutdown(); }

 private:
  void ThrowErrno(Napi::Env env, const char* what, int e) {
    Napi::Error err = Napi::Error::New(env, std::string("UdpBatchSocket: ") + what + ": " + strerror(e));
    err.Set("errno", Napi::Number::New(env, e));
    err.ThrowAsJavaScriptException();
  }

  static void CleanupHook(void* arg) { static_cast<UdpBatchSocket*>(arg)->Shutdown(); }

  /** Stops polling and closes the fd once libuv has let go of the handle; no callback reaches JS after this. */
  void Shutdown() {
    if (!open_) return;
    open_ = false;
    napi_remove_env_cleanup_hook(env_, CleanupHook, this);
    box_->poll.data = nullptr;
    // uv_close stops the poll and forgets the fd at once, so the fd can go now. The handle's memory must live until
    // the loop's close phase; libc's free releases it then, since a worker thread's teardown may already have
    // unloaded this addon's own code by that time.
    uv_close(reinterpret_cast<uv_handle_t*>(&box_->poll), reinterpret_cast<uv_close_cb>(free));
    close(box_->fd);
    box_ = nullptr;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (open_) {
      Shutdown();
      Unref();
    }
    return info.Env().Undefined();
  }

  Napi::Value Port(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), port_); }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Array out = Napi::Array::New(info.Env(), kStatCount);
    for (uint32_t i = 0; i < kStatCount; i++) out.Set(i, Napi::Number::New(info.Env(), stats_[i]));
    return out;
  }

  bool Detached() {
    return rxRef_.Value().ByteLength() < static_cast<size_t>(batch_) * rxSlot_ ||
           txRef_.Value().ByteLength() < static_cast<size_t>(batch_) * txSlot_ ||
           lensRef_.Value().ByteLength() < static_cast<size_t>(batch_) * 3 * sizeof(int32_t) ||
           addrsRef_.Value().ByteLength() < static_cast<size_t>(batch_) * ADDR_SLOT;
  }

  static void OnReadable(uv_poll_t* handle, int status, int /*events*/) {
    auto* self = static_cast<UdpBatchSocket*>(handle->data);
    if (self == nullptr || !self->open_ || status < 0) return;
    Napi::HandleScope scope(self->env_);
    for (int round = 0; round < MAX_ROUNDS && self->open_; round++) {
      int n = self->Receive();
      if (n <= 0) break;
      if (!self->Deliver(n)) break;
      if (!self->open_) break;  // JS closed the socket from inside the batch: nothing more is sent
      self->SendReplies(n);
      if (n < self->batch_) break;
    }
  }

  int Receive() {
    for (int i = 0; i < batch_; i++) {
      rxIov_[i].iov_base = rx_ + static_cast<size_t>(i) * rxSlot_;
      rxIov_[i].iov_len = rxSlot_;
      msghdr& h = msgs_[i].msg_hdr;
      memset(&h, 0, sizeof h);
      h.msg_name = addrs_ + static_cast<size_t>(i) * ADDR_SLOT;
      h.msg_namelen = ADDR_SLOT;
      h.msg_iov = &rxIov_[i];
      h.msg_iovlen = 1;
      msgs_[i].msg_len = 0;
    }
    int n;
    do n = recvmmsg(box_->fd, msgs_.data(), batch_, MSG_DONTWAIT, nullptr);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) stats_[kRecvErrors]++;
      return 0;
    }
    for (int i = 0; i < n; i++) {
      bool truncated = (msgs_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
      if (truncated) stats_[kTruncatedIn]++;
      lens_[i] = truncated ? -1 : static_cast<int32_t>(msgs_[i].msg_len);
      lens_[batch_ + i] = 0;
      lens_[2 * batch_ + i] = static_cast<int32_t>(msgs_[i].msg_hdr.msg_namelen);
    }
    return n;
  }

  /** Calls JS once with the count; an exception goes to process 'uncaughtException' like any event handler's. */
  bool Deliver(int n) {
    if (Detached()) {
      stats_[kRecvErrors] += n;
      return false;
    }
    napi_value argv[1] = {Napi::Number::New(env_, n)};
    napi_value result;
    napi_status st = napi_make_callback(env_, nullptr, Value(), onBatch_.Value(), 1, argv, &result);
    if (st != napi_ok) {
      bool pending = false;
      napi_is_exception_pending(env_, &pending);
      if (pending) {
        napi_value err;
        napi_get_and_clear_last_exception(env_, &err);
        napi_fatal_exception(env_, err);
      }
      return false;
    }
    return !Detached();
  }

  void SendReplies(int n) {
    int count = 0;
    for (int i = 0; i < n; i++) {
      int32_t len = lens_[batch_ + i];
      if (len == 0) continue;
      int32_t addrLen = lens_[2 * batch_ + i];
      if (len < 0 || len > txSlot_ || addrLen <= 0 || addrLen > ADDR_SLOT) {
        stats_[kBadReply]++;
        continue;
      }
      txIov_[count].iov_base = tx_ + static_cast<size_t>(i) * txSlot_;
      txIov_[count].iov_len = static_cast<size_t>(len);
      msghdr& h = txMsgs_[count].msg_hdr;
      memset(&h, 0, sizeof h);
      h.msg_name = addrs_ + static_cast<size_t>(i) * ADDR_SLOT;
      h.msg_namelen = static_cast<socklen_t>(addrLen);
      h.msg_iov = &txIov_[count];
      h.msg_iovlen = 1;
      count++;
    }
    int at = 0;
    while (at < count) {
      int sent = sendmmsg(box_->fd, txMsgs_.data() + at, count - at, MSG_DONTWAIT);
      if (sent > 0) {
        at += sent;
        continue;
      }
      if (sent < 0 && errno == EINTR) continue;
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
        stats_[kSendDropped] += count - at;  // the socket buffer is full: UDP may drop, as the kernel would
        return;
      }
      stats_[kSendErrors]++;  // this one reply failed (e.g. an unreachable address): skip it, send the rest
      at++;
    }
  }

  Napi::Env env_;
  PollBox* box_ = nullptr;
  bool open_ = false;
  int port_ = 0;
  int batch_ = 0, rxSlot_ = 0, txSlot_ = 0;
  uint8_t* rx_ = nullptr;
  uint8_t* tx_ = nullptr;
  int32_t* lens_ = nullptr;
  uint8_t* addrs_ = nullptr;
  Napi::Reference<Napi::ArrayBuffer> rxRef_, txRef_, lensRef_, addrsRef_;
  Napi::FunctionReference onBatch_;
  std::vector<mmsghdr> msgs_, txMsgs_;
  std::vector<iovec> rxIov_, txIov_;
  double stats_[kStatCount] = {0, 0, 0, 0, 0};
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("UdpBatchSocket", UdpBatchSocket::Init(env));
  exports.Set("ADDR_SLOT", Napi::Number::New(env, ADDR_SLOT));
  return exports;
}

}  // namespace

NODE_API_MODULE(udp_batch, Init)
