#include "text/bpe.h"

#include <algorithm>

namespace onboard::text {

BpeModel::BpeModel(const std::array<int32_t, 256>& byte_ids, const std::vector<Merge>& merges)
    : byte_ids_(byte_ids) {
  size_t cap = 16;
  int bits = 4;
  while (cap < merges.size() * 2) {
    cap <<= 1;
    ++bits;
  }
  table_.assign(cap, Slot{});
  shift_ = 64 - bits;
  mask_ = cap - 1;
  for (size_t r = 0; r < merges.size(); ++r) {
    const Merge& m = merges[r];
    const uint64_t key = key_of(m.left, m.right);
    size_t i = slot_of(key);
    while (table_[i].key != kEmpty && table_[i].key != key) i = (i + 1) & mask_;
    if (table_[i].key == key) continue;  // a repeated pair keeps its first (lowest) rank
    table_[i] = Slot{key, static_cast<int32_t>(r), m.result};
    ++n_merges_;
  }
}

namespace {

struct Sym {
  int32_t id;
  int32_t prev;
  int32_t next;
  bool alive;
};

struct Cand {
  int32_t rank;
  int32_t left;      // position of the left symbol
  int32_t right;     // position of the right symbol
  int32_t right_id;  // id of the right symbol when queued (it may change later)
  int32_t result;
};

struct CandGreater {
  bool operator()(const Cand& a, const Cand& b) const {
    return a.rank != b.rank ? a.rank > b.rank : a.left > b.left;
  }
};

}  // namespace

void BpeModel::encode_piece(const char* data, size_t size, std::vector<int32_t>& out) const {
  if (size == 0) return;
  if (size == 1) {
    out.push_back(byte_ids_[static_cast<uint8_t>(data[0])]);
    return;
  }
  // Scratch reused across calls on this thread (no allocation in the steady state).
  thread_local std::vector<Sym> syms;
  thread_local std::vector<Cand> heap_storage;
  syms.resize(size);
  const int32_t n = static_cast<int32_t>(size);
  for (int32_t i = 0; i < n; ++i)
    syms[i] = Sym{byte_ids_[static_cast<uint8_t>(data[i])], i - 1, i + 1 < n ? i + 1 : -1, true};

  std::vector<Cand>& heap = heap_storage;
  heap.clear();
  const CandGreater greater;
  auto consider = [&](int32_t l, int32_t r) {
    int32_t rank, result;
    if (lookup(syms[l].id, syms[r].id, &rank, &result)) {
      heap.push_back(Cand{rank, l, r, syms[r].id, result});
      std::push_heap(heap.begin(), heap.end(), greater);
    }
  };
  for (int32_t i = 0; i + 1 < n; ++i) consider(i, i + 1);

  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), greater);
    const Cand c = heap.back();
    heap.pop_back();
    Sym& l = syms[c.left];
    if (!l.alive || l.next != c.right) continue;
    Sym& r = syms[c.right];
    if (!r.alive || r.id != c.right_id) continue;
    // Merge right into left.
    l.id = c.result;
    l.next = r.next;
    r.alive = false;
    if (r.next >= 0) syms[r.next].prev = c.left;
    if (l.prev >= 0) consider(l.prev, c.left);
    if (l.next >= 0) consider(c.left, l.next);
  }
  for (int32_t i = 0; i >= 0 && i < n; i = syms[i].next) out.push_back(syms[i].id);
}

}  // namespace onboard::text
