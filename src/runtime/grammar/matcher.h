// The pushdown matcher of a Grammar, over bytes. Its state is a set of stacks of grammar
// positions (as llama.cpp's grammar engine keeps them); a stack's top is the terminal to match
// next, and an empty stack means the input so far is a complete sentence. Stacks are persistent
// (nodes point at their parent) so the token-mask walk shares them and undoes its work by
// truncating the node arena.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/grammar/grammar.h"

namespace onboard::runtime::grammar {

inline constexpr int32_t kCompleteStack = -1;  // a stack with nothing left to match

struct StackNode {
  uint32_t pos;         // grammar position to continue at
  int32_t parent;       // node below, or kCompleteStack
  uint32_t partial = 0; // inside a kClass code point: Utf8Partial bits, else 0
};

// The bytes of a kClass code point read so far: 1 (flag) | total length (3 bits) | bytes
// still to come (2 bits) | the code point's bits so far (21 bits).
struct Utf8Partial {
  static uint32_t make(uint32_t len, uint32_t remaining, uint32_t bits) { return 1u << 31 | len << 26 | remaining << 24 | bits; }
  static uint32_t len(uint32_t p) { return (p >> 26) & 7; }
  static uint32_t remaining(uint32_t p) { return (p >> 24) & 3; }
  static uint32_t bits(uint32_t p) { return p & 0x1FFFFF; }
};

// Bytes the stack with this top can take next (a superset inside a code point).
ByteSet next_bytes(const Grammar& g, const StackNode& top);

// Work one byte's expansion may do (stack steps plus duplicate comparisons). Nested repetition
// such as (x+)+...+ makes expansion exponential; past this budget the expansion stops, so the
// stack set is a subset: the matcher may then reject a valid continuation but never accepts
// an invalid one, and no grammar can hang generation.
inline constexpr uint32_t kExpandBudget = 1u << 16;

// Stack operations over one node arena (free functions so the mask walk can reuse them).
struct StackOps {
  const Grammar* g;
  std::vector<StackNode>* arena;
  mutable uint32_t budget = kExpandBudget;  // spent by expand; refilled per byte by advance
  mutable bool exhausted = false;           // some expansion was cut short

  // The stack "continue at pos, then parent", resolved until every resulting stack has a byte
  // terminal on top or is complete; added to `out` unless an equal stack is there.
  void expand(uint32_t pos, int32_t parent, std::vector<int32_t>& out) const;
  // Every stack of `in` that accepts `byte`, advanced past it, into `out` (cleared first).
  void advance(const std::vector<int32_t>& in, uint8_t byte, std::vector<int32_t>& out) const;
  bool equal(int32_t a, int32_t b) const;
  void add_unique(int32_t s, std::vector<int32_t>& out) const;
};

class Matcher {
 public:
  explicit Matcher(std::shared_ptr<const Grammar> grammar);

  // Advances over `bytes`; false (state unchanged) when the grammar rejects them.
  bool accept_bytes(std::string_view bytes);
  // The input so far is a complete sentence of the grammar.
  bool accepting() const;
  // No continuation exists (only after a rejected start; accept_bytes never leaves it so).
  bool dead() const { return stacks_.empty(); }
  // An expansion ran out of kExpandBudget: the grammar is too ambiguous to match exactly.
  bool exhausted() const { return exhausted_; }
  void reset();

  const Grammar& grammar() const { return *grammar_; }
  const std::vector<StackNode>& arena() const { return arena_; }
  const std::vector<int32_t>& stacks() const { return stacks_; }
  // Identifies the state (equal states, equal keys): the positions of every stack, written
  // into `key` (its storage reused: the per-token mask lookup allocates nothing).
  void state_key(std::string& key) const;

 private:
  void compact();
  // Sorts stacks_ by their contents, so equal states list their stacks in the same order.
  void sort_stacks();

  std::shared_ptr<const Grammar> grammar_;
  std::vector<StackNode> arena_;
  std::vector<int32_t> stacks_;
  bool exhausted_ = false;
  // Scratch of accept_bytes/compact, kept so that advancing over a token allocates nothing once
  // their capacity is reached: the stacks being advanced, the stacks after the next byte, the
  // arena compact() builds (swapped with arena_) and its old-to-new node map.
  std::vector<int32_t> cur_, next_;
  std::vector<StackNode> fresh_;
  std::vector<int32_t> remap_;
};

}  // namespace onboard::runtime::grammar
