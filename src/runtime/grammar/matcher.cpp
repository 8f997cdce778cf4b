#include "runtime/grammar/matcher.h"

#include <algorithm>

namespace onboard::runtime::grammar {

bool StackOps::equal(int32_t a, int32_t b) const {
  while (a != b) {
    if (a == kCompleteStack || b == kCompleteStack) return false;
    const StackNode& x = (*arena)[static_cast<size_t>(a)];
    const StackNode& y = (*arena)[static_cast<size_t>(b)];
    if (x.pos != y.pos) return false;
    a = x.parent;
    b = y.parent;
  }
  return true;
}

void StackOps::add_unique(int32_t s, std::vector<int32_t>& out) const {
  for (int32_t o : out)
    if (equal(o, s)) return;
  out.push_back(s);
}

void StackOps::expand(uint32_t pos, int32_t parent, std::vector<int32_t>& out) const {
  for (;;) {
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
    if (e.kind == ElemKind::kBytes) {
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
  for (int32_t s : in) {
    if (s == kCompleteStack) continue;
    const StackNode n = (*arena)[static_cast<size_t>(s)];
    if (g->sets[g->elems[n.pos].arg].has(byte)) expand(n.pos + 1, n.parent, out);
  }
}

Matcher::Matcher(std::shared_ptr<const Grammar> grammar) : grammar_(std::move(grammar)) { reset(); }

void Matcher::reset() {
  arena_.clear();
  stacks_.clear();
  StackOps ops{grammar_.get(), &arena_};
  for (uint32_t alt : grammar_->rule_alts[grammar_->root]) ops.expand(alt, kCompleteStack, stacks_);
}

bool Matcher::accept_bytes(std::string_view bytes) {
  const size_t arena_before = arena_.size();
  std::vector<int32_t> cur = stacks_;
  StackOps ops{grammar_.get(), &arena_};
  for (char c : bytes) {
    ops.advance(cur, static_cast<uint8_t>(c), next_);
    if (next_.empty()) {
      arena_.resize(arena_before);
      return false;
    }
    cur.swap(next_);
  }
  stacks_ = std::move(cur);
  compact();
  return true;
}

bool Matcher::accepting() const {
  return std::find(stacks_.begin(), stacks_.end(), kCompleteStack) != stacks_.end();
}

// Copies the live stacks into a fresh arena so it does not grow with the output.
void Matcher::compact() {
  std::vector<StackNode> fresh;
  std::vector<int32_t> remap(arena_.size(), -2);
  auto copy = [&](auto& self, int32_t id) -> int32_t {
    if (id == kCompleteStack) return id;
    int32_t& m = remap[static_cast<size_t>(id)];
    if (m != -2) return m;
    const StackNode n = arena_[static_cast<size_t>(id)];
    const int32_t parent = self(self, n.parent);
    fresh.push_back({n.pos, parent});
    m = static_cast<int32_t>(fresh.size() - 1);
    return m;
  };
  for (int32_t& s : stacks_) s = copy(copy, s);
  arena_ = std::move(fresh);
}

std::string Matcher::state_key() const {
  std::vector<std::string> parts;
  for (int32_t s : stacks_) {
    std::string p;
    for (int32_t id = s; id != kCompleteStack; id = arena_[static_cast<size_t>(id)].parent) {
      const uint32_t pos = arena_[static_cast<size_t>(id)].pos;
      p.append(reinterpret_cast<const char*>(&pos), sizeof pos);
    }
    parts.push_back(std::move(p));
  }
  std::sort(parts.begin(), parts.end());
  std::string key;
  for (const auto& p : parts) {
    key += p;
    key.append(4, '\xff');
  }
  return key;
}

}  // namespace onboard::runtime::grammar
