#include "vision/cnn_graph.h"

#include <algorithm>
#include <cstring>

#include "tensor/half.h"
#include "vision/ops/conv2d.h"
#include "vision/ops/depthwise_conv2d.h"
#include "vision/ops/elementwise.h"
#include "vision/ops/max_pool2d.h"
#include "vision/ops/pad.h"

namespace onboard::vision {

struct CnnGraph::Step {
  OpCode code = OpCode::kAdd;
  std::vector<int> in;
  int out = 0;
  ops::Nhwc in_shape, out_shape;
  ops::Window window;
  ops::Act act = ops::Act::kNone;
  ops::Pad4 pad;
  std::vector<float> packed;  // CONV_2D weights in 16-channel tiles
  int64_t alpha_n = 0;        // PRELU
  // CONCATENATION: outer count and per-input inner sizes.
  int64_t outer = 0;
  std::vector<int64_t> inner;
};

CnnGraph::CnnGraph() = default;
CnnGraph::CnnGraph(CnnGraph&&) noexcept = default;
CnnGraph& CnnGraph::operator=(CnnGraph&&) noexcept = default;
CnnGraph::~CnnGraph() = default;

namespace {

ops::Nhwc as_nhwc(const std::vector<int>& s) {
  ops::Nhwc r;
  switch (s.size()) {
    case 4: r = {s[0], s[1], s[2], s[3]}; break;
    case 3: r = {1, s[0], s[1], s[2]}; break;
    case 2: r = {1, 1, s[0], s[1]}; break;
    case 1: r = {1, 1, 1, s[0]}; break;
    default: break;
  }
  return r;
}

ops::Act to_act(Activation a) {
  return a == Activation::kRelu ? ops::Act::kRelu : a == Activation::kRelu6 ? ops::Act::kRelu6 : ops::Act::kNone;
}

std::string shape_text(const std::vector<int>& s) {
  std::string t = "[";
  for (size_t i = 0; i < s.size(); ++i) t += (i ? "," : "") + std::to_string(s[i]);
  return t + "]";
}

}  // namespace

const float* CnnGraph::data(int t) const {
  const Tensor& x = tensors_[t];
  return x.is_constant() ? x.constant.data() : arena_.data() + x.arena_offset;
}
float* CnnGraph::mutable_data(int t) { return arena_.data() + tensors_[t].arena_offset; }

Expected<CnnGraph> CnnGraph::build(const TfliteModel& model, const std::string& name) {
  CnnGraph g;
  const int n_tensors = static_cast<int>(model.tensors.size());
  g.tensors_.resize(n_tensors);
  std::vector<bool> is_const(n_tensors, false);
  for (int i = 0; i < n_tensors; ++i) {
    const TfliteTensor& src = model.tensors[i];
    Tensor& t = g.tensors_[i];
    t.shape = src.shape;
    t.elements = src.elements();
    if (src.data.empty()) continue;
    is_const[i] = true;
    if (src.type == TensorType::kInt32) {
      t.ints.resize(t.elements);
      std::memcpy(t.ints.data(), src.data.data(), src.data.size());
    } else {
      t.constant.resize(t.elements);
      if (src.type == TensorType::kFloat32) {
        std::memcpy(t.constant.data(), src.data.data(), src.data.size());
      } else {
        for (int64_t k = 0; k < t.elements; ++k) {
          uint16_t h;
          std::memcpy(&h, src.data.data() + 2 * k, 2);
          t.constant[k] = fp16_to_f32(h);
        }
      }
    }
  }
  for (int i : model.inputs)
    if (model.tensors[i].type != TensorType::kFloat32)
      return make_error(ErrorCode::kUnsupported, name + ": input tensor '" + model.tensors[i].name + "' is not float32");

  auto fail = [&](int op_index, const TfliteOperator& op, const std::string& msg) {
    return make_error(ErrorCode::kUnsupported, name + ": operator " + std::to_string(op_index) + " (" +
                                                   op_name(op.code) + "): " + msg);
  };

  std::vector<int> defined_at(n_tensors, -2), last_use(n_tensors, -1);
  for (int i : model.inputs) defined_at[i] = -1;
  for (int oi = 0; oi < static_cast<int>(model.operators.size()); ++oi) {
    const TfliteOperator& op = model.operators[oi];
    const int out = op.outputs[0];
    if (op.outputs.size() != 1) return fail(oi, op, "more than one output");
    if (model.tensors[out].type != TensorType::kFloat32) return fail(oi, op, "output is not float32");
    if (defined_at[out] != -2 || is_const[out]) return fail(oi, op, "output tensor written twice");

    if (op.code == OpCode::kDequantize) {  // constant folding: fp16 weights become fp32 constants
      const int in = op.inputs.empty() ? -1 : op.inputs[0];
      if (in < 0 || !is_const[in] || g.tensors_[in].constant.size() != static_cast<size_t>(g.tensors_[out].elements))
        return fail(oi, op, "input is not a float16 constant of the output's size");
      g.tensors_[out].constant = g.tensors_[in].constant;
      is_const[out] = true;
      continue;
    }
    for (int in : op.inputs) {
      if (in < 0) continue;
      if (!is_const[in] && defined_at[in] == -2)
        return fail(oi, op, "reads tensor '" + model.tensors[in].name + "' before any operator writes it");
      if (model.tensors[in].type == TensorType::kFloat16 && !is_const[in]) return fail(oi, op, "float16 activation");
    }
    Step s;
    s.code = op.code;
    s.in = op.inputs;
    s.out = out;
    s.act = to_act(op.activation);
    const std::vector<int>& os = model.tensors[out].shape;
    auto in_shape = [&](size_t k) -> const std::vector<int>& { return model.tensors[op.inputs[k]].shape; };
    auto need_inputs = [&](size_t n) { return op.inputs.size() >= n && std::all_of(op.inputs.begin(), op.inputs.begin() + n, [](int t) { return t >= 0; }); };
    switch (op.code) {
      case OpCode::kConv2d:
      case OpCode::kDepthwiseConv2d: {
        if (!need_inputs(2)) return fail(oi, op, "needs input and weights");
        const int w = op.inputs[1];
        const int b = op.inputs.size() > 2 ? op.inputs[2] : -1;
        if (in_shape(0).size() != 4 || os.size() != 4 || model.tensors[w].shape.size() != 4)
          return fail(oi, op, "input, weights and output must be 4-D");
        if (!is_const[w] || (b >= 0 && !is_const[b])) return fail(oi, op, "weights and bias must be constants");
        const std::vector<int>& ws = model.tensors[w].shape;
        s.in_shape = as_nhwc(in_shape(0));
        s.out_shape = as_nhwc(os);
        const bool depthwise = op.code == OpCode::kDepthwiseConv2d;
        const int kh = ws[1], kw = ws[2];
        if (depthwise) {
          if (op.depth_multiplier != 1 || ws[0] != 1 || ws[3] != s.in_shape.c || s.out_shape.c != s.in_shape.c)
            return fail(oi, op, "weights " + shape_text(ws) + " do not fit input " + shape_text(in_shape(0)) +
                                    " with depth multiplier 1");
        } else if (ws[3] != s.in_shape.c || ws[0] != s.out_shape.c) {
          return fail(oi, op, "weights " + shape_text(ws) + " do not fit input " + shape_text(in_shape(0)) +
                                  " and output " + shape_text(os));
        }
        if (kh * kw > ops::kMaxConvTaps) return fail(oi, op, "kernel larger than 7x7");
        if (b >= 0 && g.tensors_[b].elements != s.out_shape.c) return fail(oi, op, "bias size differs from output channels");
        const bool same = op.padding == Padding::kSame;
        const ops::AxisPlan ph = ops::plan_axis(s.in_shape.h, kh, op.stride_h, op.dilation_h, same);
        const ops::AxisPlan pw = ops::plan_axis(s.in_shape.w, kw, op.stride_w, op.dilation_w, same);
        if (ph.out != s.out_shape.h || pw.out != s.out_shape.w || s.out_shape.n != s.in_shape.n)
          return fail(oi, op, "output shape " + shape_text(os) + " does not follow from input " + shape_text(in_shape(0)));
        s.window = {kh, kw, op.stride_h, op.stride_w, op.dilation_h, op.dilation_w, ph.pad_before, pw.pad_before};
        if (!depthwise) {
          s.packed = ops::pack_conv2d_weights(g.tensors_[w].constant.data(), ws[0], kh, kw, ws[3]);
          g.zeros_.resize(std::max<size_t>(g.zeros_.size(), static_cast<size_t>(s.in_shape.c)), 0.0f);
        }
        break;
      }
      case OpCode::kMaxPool2d: {
        if (!need_inputs(1) || in_shape(0).size() != 4 || os.size() != 4) return fail(oi, op, "input and output must be 4-D");
        s.in_shape = as_nhwc(in_shape(0));
        s.out_shape = as_nhwc(os);
        const bool same = op.padding == Padding::kSame;
        const ops::AxisPlan ph = ops::plan_axis(s.in_shape.h, op.filter_h, op.stride_h, 1, same);
        const ops::AxisPlan pw = ops::plan_axis(s.in_shape.w, op.filter_w, op.stride_w, 1, same);
        if (ph.out != s.out_shape.h || pw.out != s.out_shape.w || s.out_shape.c != s.in_shape.c || s.out_shape.n != s.in_shape.n)
          return fail(oi, op, "output shape " + shape_text(os) + " does not follow from input " + shape_text(in_shape(0)));
        s.window = {op.filter_h, op.filter_w, op.stride_h, op.stride_w, 1, 1, ph.pad_before, pw.pad_before};
        break;
      }
      case OpCode::kAdd:
        if (!need_inputs(2) || in_shape(0) != os || in_shape(1) != os)
          return fail(oi, op, "only same-shaped inputs are supported (no broadcasting)");
        break;
      case OpCode::kRelu:
      case OpCode::kReshape:
        if (!need_inputs(1) || g.tensors_[op.inputs[0]].elements != g.tensors_[out].elements)
          return fail(oi, op, "input and output element counts differ");
        break;
      case OpCode::kPrelu: {
        if (!need_inputs(2) || in_shape(0) != os || !is_const[op.inputs[1]])
          return fail(oi, op, "needs a same-shaped output and constant alpha");
        s.alpha_n = g.tensors_[op.inputs[1]].elements;
        // Per channel ([..., C]) or per element of one batch item ([H, W, C]).
        if (s.alpha_n != as_nhwc(os).c && s.alpha_n * as_nhwc(os).n != g.tensors_[out].elements)
          return fail(oi, op, "alpha " + shape_text(in_shape(1)) + " does not broadcast to " + shape_text(os));
        break;
      }
      case OpCode::kPad: {
        if (!need_inputs(2) || !is_const[op.inputs[1]] || in_shape(0).size() != 4 || os.size() != 4)
          return fail(oi, op, "needs a 4-D input and constant paddings");
        const Tensor& p = g.tensors_[op.inputs[1]];
        if (p.ints.size() != 8) return fail(oi, op, "paddings must be int32 [4,2]");
        for (int d = 0; d < 4; ++d) {
          s.pad.before[d] = p.ints[2 * d];
          s.pad.after[d] = p.ints[2 * d + 1];
          if (s.pad.before[d] < 0 || s.pad.after[d] < 0 || in_shape(0)[d] + s.pad.before[d] + s.pad.after[d] != os[d])
            return fail(oi, op, "paddings do not map " + shape_text(in_shape(0)) + " to " + shape_text(os));
        }
        s.in_shape = as_nhwc(in_shape(0));
        s.out_shape = as_nhwc(os);
        break;
      }
      case OpCode::kConcatenation: {
        if (op.inputs.empty() || !need_inputs(op.inputs.size())) return fail(oi, op, "needs inputs");
        const int rank = static_cast<int>(os.size());
        const int axis = op.axis < 0 ? op.axis + rank : op.axis;
        if (axis < 0 || axis >= rank) return fail(oi, op, "axis " + std::to_string(op.axis) + " out of range");
        s.outer = 1;
        for (int d = 0; d < axis; ++d) s.outer *= os[d];
        int64_t total = 0;
        for (size_t k = 0; k < op.inputs.size(); ++k) {
          const std::vector<int>& is = in_shape(k);
          if (static_cast<int>(is.size()) != rank) return fail(oi, op, "inputs of different rank");
          int64_t inner = 1;
          for (int d = 0; d < rank; ++d) {
            if (d != axis && is[d] != os[d]) return fail(oi, op, "input " + shape_text(is) + " does not fit output " + shape_text(os));
            if (d >= axis) inner *= is[d];
          }
          s.inner.push_back(inner);
          total += inner;
        }
        if (total * s.outer != g.tensors_[out].elements) return fail(oi, op, "sizes do not add up to the output");
        break;
      }
      case OpCode::kDequantize: break;
    }
    defined_at[out] = oi;
    for (int in : op.inputs)
      if (in >= 0 && !is_const[in]) last_use[in] = oi;
    g.steps_.push_back(std::move(s));
  }
  for (int o : model.outputs) {
    if (defined_at[o] == -2 || is_const[o]) return make_error(ErrorCode::kUnsupported, name + ": graph output '" + model.tensors[o].name + "' is never computed");
    last_use[o] = static_cast<int>(model.operators.size());
  }

  // Arena plan: tensors in order of definition, first fit among slices whose tensors are dead.
  struct Live { int64_t offset, size; int last; };
  std::vector<Live> live;
  int64_t arena = 0;
  std::vector<int> order;
  for (int i = 0; i < n_tensors; ++i)
    if (defined_at[i] != -2 && !is_const[i]) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return defined_at[a] < defined_at[b]; });
  for (int t : order) {
    const int now = defined_at[t];
    // An operator's output must not overlap its inputs (last use == now stays live).
    live.erase(std::remove_if(live.begin(), live.end(), [&](const Live& l) { return l.last < now; }), live.end());
    std::sort(live.begin(), live.end(), [](const Live& a, const Live& b) { return a.offset < b.offset; });
    const int64_t size = (g.tensors_[t].elements + 15) / 16 * 16;  // 64-byte slices
    int64_t offset = 0;
    for (const Live& l : live) {
      if (l.offset - offset >= size) break;
      offset = std::max(offset, l.offset + l.size);
    }
    g.tensors_[t].arena_offset = offset;
    arena = std::max(arena, offset + size);
    live.push_back({offset, size, std::max(last_use[t], now)});
  }
  g.arena_.assign(static_cast<size_t>(arena), 0.0f);
  g.inputs_ = model.inputs;
  g.outputs_ = model.outputs;
  return g;
}

void CnnGraph::run(ThreadPool* pool) {
  for (const Step& s : steps_) {
    float* out = mutable_data(s.out);
    const int64_t n = tensors_[s.out].elements;
    switch (s.code) {
      case OpCode::kConv2d:
        ops::conv2d(data(s.in[0]), s.in_shape, s.packed.data(), s.in.size() > 2 && s.in[2] >= 0 ? data(s.in[2]) : nullptr,
                    out, s.out_shape, s.window, s.act, zeros_.data(), pool);
        break;
      case OpCode::kDepthwiseConv2d:
        ops::depthwise_conv2d(data(s.in[0]), s.in_shape, data(s.in[1]),
                              s.in.size() > 2 && s.in[2] >= 0 ? data(s.in[2]) : nullptr, out, s.out_shape, s.window,
                              s.act, pool);
        break;
      case OpCode::kMaxPool2d:
        ops::max_pool2d(data(s.in[0]), s.in_shape, out, s.out_shape, s.window, s.act, pool);
        break;
      case OpCode::kAdd: ops::add(data(s.in[0]), data(s.in[1]), out, n, s.act); break;
      case OpCode::kRelu: ops::relu(data(s.in[0]), out, n); break;
      case OpCode::kPrelu: ops::prelu(data(s.in[0]), data(s.in[1]), s.alpha_n, out, n); break;
      case OpCode::kReshape: std::memcpy(out, data(s.in[0]), sizeof(float) * static_cast<size_t>(n)); break;
      case OpCode::kPad: ops::pad(data(s.in[0]), s.in_shape, s.pad, out); break;
      case OpCode::kConcatenation: {
        float* dst = out;
        for (int64_t o = 0; o < s.outer; ++o)
          for (size_t k = 0; k < s.in.size(); ++k) {
            std::memcpy(dst, data(s.in[k]) + o * s.inner[k], sizeof(float) * static_cast<size_t>(s.inner[k]));
            dst += s.inner[k];
          }
        break;
      }
      case OpCode::kDequantize: break;
    }
  }
}

}  // namespace onboard::vision
