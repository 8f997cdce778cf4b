#include "runtime/grammar/matcher.h"

#include <algorithm>

namespace onboard::runtime::grammar {

bool CodePointClass::intersects(uint32_t lo, uint32_t hi) const {
  auto overlaps = [&](uint32_t a, uint32_t b) {
    if (a > b) return false;
    // First range ending at or after a.
    auto it = std::lower_bound(ranges.begin(), ranges.end(), a, [](const auto& r, uint32_t v) { return r.second < v; });
    return it != ranges.end() && it->first <= b;
  };
  if (hi < 0xD800 || lo > 0xDFFF) return overlaps(lo, hi);
  return overlaps(lo, std::min(hi, 0xD7FFu)) || (hi > 0xDFFF && overlaps(std::max(lo, 0xE000u), hi));
}

ByteSet next_bytes(const Grammar& g, const StackNode& top) {
  const Elem& e = g.elems[top.pos];
  if (e.kind == ElemKind::kBytes) return g.sets[e.arg];
  if (top.partial == 0) return g.classes[e.arg].first_bytes;
  ByteSet cont;
  cont.add_range(0x80, 0xBF);
  return cont;
}

bool StackOps::equal(int32_t a, int32_t b) const {
  while (a != b) {
    if (a == kCompleteStack || b == kCompleteStack) return false;
    const StackNode& x = (*arena)[static_cast<size_t>(a)];
    const StackNode& y = (*arena)[static_cast<size_t>(b)];
    if (x.pos != y.pos || x.partial != y.partial) return false;
    a = x.parent;
    b = y.parent;
  }
  return true;
}

void StackOps::add_unique(int32_t s, std::vector<int32_t>& out) const {
  const auto cost = static_cast<uint32_t>(std::min<size_t>(out.size(), budget));
  budget -= cost;
  for (int32_t o : out)
    if (equal(o, s)) return;
  out.push_back(s);
}

void StackOps::expand(uint32_t pos, int32_t parent, std::vector<int32_t>& out) const {
  for (;;) {
    if (budget == 0) {
      exhausted = true;
      return;
    }
    --budget;
    const Elem& e = g->elems[pos];
    if (e.kind == ElemKind::kEnd) {
      if (parent == kCompleteStack) {
        add_unique(kCompleteStack, out);
        return;
      }
      const StackNode up = (*arena)[static_cast<size_t>(parent)];
      pos = up.pos;
      parent = up.parent;
      continue;
    }
    if (e.kind == ElemKind::kBytes || e.kind == ElemKind::kClass) {
      arena->push_back({pos, parent});
      const auto id = static_cast<int32_t>(arena->size() - 1);
      const size_t before = out.size();
      add_unique(id, out);
      if (out.size() == before) arena->pop_back();  // a duplicate: its node is not needed
      return;
    }
    // A rule reference: continue after it once the rule is done (a tail call pushes nothing).
    int32_t ret = parent;
    if (g->elems[pos + 1].kind != ElemKind::kEnd) {
      arena->push_back({pos + 1, parent});
      ret = static_cast<int32_t>(arena->size() - 1);
    }
    for (uint32_t alt : g->rule_alts[e.arg]) expand(alt, ret, out);
    return;
  }
}

void StackOps::advance(const std::vector<int32_t>& in, uint8_t byte, std::vector<int32_t>& out) const {
  out.clear();
  budget = kExpandBudget;
  for (int32_t s : in) {
    if (s == kCompleteStack) continue;
    const StackNode n = (*arena)[static_cast<size_t>(s)];
    const Elem& e = g->elems[n.pos];
    if (e.kind == ElemKind::kBytes) {
      if (g->sets[e.arg].has(byte)) expand(n.pos + 1, n.parent, out);
      continue;
    }
    // kClass: one more byte of a UTF-8 code point.
    const CodePointClass& cls = g->classes[e.arg];
    uint32_t len, remaining, bits;
    if (n.partial == 0) {
      if (byte < 0x80) {
        if (cls.intersects(byte, byte)) expand(n.pos + 1, n.parent, out);
        continue;
      }
      if (byte >= 0xC2 && byte <= 0xDF) len = 2, bits = byte & 0x1F;
      else if (byte >= 0xE0 && byte <= 0xEF) len = 3, bits = byte & 0x0F;
      else if (byte >= 0xF0 && byte <= 0xF4) len = 4, bits = byte & 0x07;
      else continue;
      remaining = len - 1;
    } else {
      if ((byte & 0xC0) != 0x80) continue;
      len = Utf8Partial::len(n.partial);
      remaining = Utf8Partial::remaining(n.partial) - 1;
      bits = Utf8Partial::bits(n.partial) << 6 | (byte & 0x3F);
    }
    // The code points this prefix can still become; overlong forms and surrogates excluded.
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    const uint32_t lo = std::max(bits << (6 * remaining), kMin[len]);
    const uint32_t hi = std::min((bits << (6 * remaining)) | ((1u << (6 * remaining)) - 1), 0x10FFFFu);
    if (lo > hi || !cls.intersects(lo, hi)) continue;
    if (remaining == 0) {
      expand(n.pos + 1, n.parent, out);
    } else {
      arena->push_back({n.pos, n.parent, Utf8Partial::make(len, remaining, bits)});
      add_unique(static_cast<int32_t>(arena->size() - 1), out);
    }
  }
}

Matcher::Matcher(std::shared_ptr<const Grammar> grammar) : grammar_(std::move(grammar)) { reset(); }

void Matcher::reset() {
  arena_.clear();
  stacks_.clear();
  StackOps ops{grammar_.get(), &arena_};
  for (uint32_t alt : grammar_->rule_alts[grammar_->root]) ops.expand(alt, kCompleteStack, stacks_);
  exhausted_ = ops.exhausted;
  sort_stacks();
}

bool Matcher::accept_bytes(std::string_view bytes) {
  const size_t arena_before = arena_.size();
  cur_ = stacks_;
  StackOps ops{grammar_.get(), &arena_};
  for (char c : bytes) {
    ops.advance(cur_, static_cast<uint8_t>(c), next_);
    if (next_.empty()) {
      arena_.resize(arena_before);
      return false;
    }
    cur_.swap(next_);
  }
  exhausted_ = exhausted_ || ops.exhausted;
  stacks_.swap(cur_);
  compact();
  return true;
}

bool Matcher::accepting() const {
  return std::find(stacks_.begin(), stacks_.end(), kCompleteStack) != stacks_.end();
}

// Copies the live stacks into a fresh arena so it does not grow with the output.
void Matcher::compact() {
  fresh_.clear();
  remap_.assign(arena_.size(), -2);
  auto copy = [&](auto& self, int32_t id) -> int32_t {
    if (id == kCompleteStack) return id;
    int32_t& m = remap_[static_cast<size_t>(id)];
    if (m != -2) return m;
    const StackNode n = arena_[static_cast<size_t>(id)];
    const int32_t parent = self(self, n.parent);
    fresh_.push_back({n.pos, parent, n.partial});
    m = static_cast<int32_t>(fresh_.size() - 1);
    return m;
  };
  for (int32_t& s : stacks_) s = copy(copy, s);
  arena_.swap(fresh_);
  sort_stacks();
}

void Matcher::sort_stacks() {
  // Top to bottom, (pos, partial) pairs compared in turn; a stack that ends first is less.
  auto less = [this](int32_t a, int32_t b) {
    while (a != b) {
      if (a == kCompleteStack) return true;
      if (b == kCompleteStack) return false;
      const StackNode& x = arena_[static_cast<size_t>(a)];
      const StackNode& y = arena_[static_cast<size_t>(b)];
      if (x.pos != y.pos) return x.pos < y.pos;
      if (x.partial != y.partial) return x.partial < y.partial;
      a = x.parent;
      b = y.parent;
    }
    return false;
  };
  std::sort(stacks_.begin(), stacks_.end(), less);
}

void Matcher::state_key(std::string& key) const {
  // Stacks are unique and sorted (sort_stacks), so the concatenation is canonical. A partial
  // always has bit 31 set and a position never does, and 0xffffffff is neither: the
  // separator and the optional partial cannot be confused.
  key.clear();
  for (int32_t s : stacks_) {
    for (int32_t id = s; id != kCompleteStack; id = arena_[static_cast<size_t>(id)].parent) {
      const StackNode& n = arena_[static_cast<size_t>(id)];
      key.append(reinterpret_cast<const char*>(&n.pos), sizeof n.pos);
      if (n.partial) key.append(reinterpret_cast<const char*>(&n.partial), sizeof n.partial);
    }
    key.append(4, '\xff');
  }
}

}  // namespace onboard::runtime::grammar
