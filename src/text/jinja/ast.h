// Jinja syntax tree (the node kinds of @huggingface/jinja's ast.ts).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace onboard::jinja {

enum class NodeKind : uint8_t {
  // statements
  kText, kComment, kIf, kFor, kSet, kMacro, kCallBlock, kFilterBlock, kBreak, kContinue,
  // expressions
  kIdent, kInt, kFloat, kString, kArray, kTuple, kObject, kMember, kCall, kBinary, kUnary,
  kFilter, kTest, kSelect, kTernary, kSlice, kKwArg, kSpread, kKwSpread
};

struct Node;
using NodePtr = std::unique_ptr<Node>;

struct Node {
  NodeKind kind;
  uint32_t pos = 0;  // offset in the original source
  std::string str;   // identifier / string value / operator / test or filter name
  int64_t ival = 0;
  double fval = 0;
  bool flag = false;             // member: computed; test: negated
  NodePtr x, y, z;               // operands (see parser.cpp for each kind's layout)
  std::vector<NodePtr> list;     // body / elements / args / object keys
  std::vector<NodePtr> list2;    // alternate / default block / object values / caller args
  int depth = 1;                 // tree height, bounded by the parser
};

}  // namespace onboard::jinja
