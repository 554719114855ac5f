//===- norm-runner.cpp - JIT runner for norm-mlir modules -----------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Runs a function of a module with mlir::ExecutionEngine. Upstream-compatible
// with mlir-runner for mains that print (-e, -entry-point-result,
// -shared-libs, -O0..-O3); beyond that it lowers norm/linalg-level modules
// itself (norm-lower-to-cpu, or norm-lower-to-nvvm with --target=cuda) and
// binds tensor arguments and results to .npy files:
//
//   norm-runner k.mlir -e rmsnorm --input=x.npy --input=w.npy --output=y.npy
//   norm-runner k.mlir -e rmsnorm --random-inputs=1 --bench=20
//
//===----------------------------------------------------------------------===//

#include "Norm/ExecutionEngine/JitModule.h"
#include "Norm/ExecutionEngine/Npy.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/PrettyStackTrace.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace mlir;
using namespace mlir::norm;
namespace cl = llvm::cl;

static cl::OptionCategory runnerCategory("norm-runner options");

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<input file>"),
                                          cl::init("-"),
                                          cl::cat(runnerCategory));
static cl::opt<std::string>
    entryName("e", cl::desc("The function to run (default: main)"),
              cl::value_desc("name"), cl::init("main"),
              cl::cat(runnerCategory));
static cl::opt<std::string> entryPointResult(
    "entry-point-result",
    cl::desc("Run the entry like mlir-runner: it takes no arguments and "
             "returns void, i32, i64 or f32 (printed unless void)"),
    cl::value_desc("void|i32|i64|f32"), cl::cat(runnerCategory));
static cl::list<std::string>
    sharedLibs("shared-libs", cl::desc("Libraries to link dynamically"),
               cl::CommaSeparated, cl::cat(runnerCategory));
static cl::opt<bool> optO0("O0", cl::desc("Run LLVM optimizations at -O0"),
                           cl::cat(runnerCategory));
static cl::opt<bool> optO1("O1", cl::desc("Run LLVM optimizations at -O1"),
                           cl::cat(runnerCategory));
static cl::opt<bool> optO2("O2", cl::desc("Run LLVM optimizations at -O2"),
                           cl::cat(runnerCategory));
static cl::opt<bool>
    optO3("O3", cl::desc("Run LLVM optimizations at -O3 (the default)"),
          cl::cat(runnerCategory));
static cl::opt<std::string>
    target("target", cl::desc("Where to run: cpu (default) or cuda"),
           cl::value_desc("cpu|cuda"), cl::init("cpu"),
           cl::cat(runnerCategory));
static cl::opt<std::string> cudaRuntime(
    "cuda-runtime",
    cl::desc("The CUDA runtime wrapper library for --target=cuda (default: "
             "libnorm_cuda_runtime.so of this build, or $NORM_CUDA_RUNTIME)"),
    cl::value_desc("lib.so"), cl::cat(runnerCategory));
static cl::opt<std::string> pipelineOptions(
    "pipeline-options",
    cl::desc("Options of norm-lower-to-cpu / norm-lower-to-nvvm, e.g. "
             "'threads=1 vector-width=8' (for this host's JIT, native-bf16 "
             "defaults to true where the CPU has AVX512-BF16, and a module "
             "without a DLTI target spec gets one with the host's L1 data "
             "cache size)"),
    cl::value_desc("options"), cl::cat(runnerCategory));
static cl::opt<std::string> explicitPipeline(
    "pipeline",
    cl::desc("Lower with this textual pass pipeline instead of the default "
             "one (also applied to modules already in the LLVM dialect)"),
    cl::value_desc("pipeline"), cl::cat(runnerCategory));
static cl::list<std::string>
    inputFiles("input",
               cl::desc("A .npy file for the next argument of the entry "
                        "(repeatable, in argument order)"),
               cl::value_desc("file.npy"), cl::cat(runnerCategory));
static cl::list<std::string>
    outputFiles("output",
                cl::desc("Write the next result of the entry to this .npy "
                         "file (repeatable, in result order)"),
                cl::value_desc("file.npy"), cl::cat(runnerCategory));
static cl::opt<uint64_t> randomInputs(
    "random-inputs",
    cl::desc("Fill the arguments without --input with deterministic "
             "uniform [-1, 1) values from this seed"),
    cl::value_desc("seed"), cl::cat(runnerCategory));
static cl::opt<unsigned>
    benchReps("bench",
              cl::desc("After one warm-up call, time this many calls and "
                       "print one 'bench:' line"),
              cl::value_desc("reps"), cl::cat(runnerCategory));
static cl::opt<bool> printLowered(
    "print-lowered-ir",
    cl::desc("Print the module after lowering (LLVM dialect) to stdout"),
    cl::cat(runnerCategory));

static cl::opt<bool> dumpObjectFile(
    "dump-object-file",
    cl::desc("Write the JIT-compiled object code to the file of "
             "--object-filename (default: <input file>.o), as mlir-runner"),
    cl::cat(runnerCategory));
static cl::opt<std::string>
    objectFilename("object-filename",
                   cl::desc("Where --dump-object-file writes the object code"),
                   cl::value_desc("file.o"), cl::cat(runnerCategory));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "norm-runner") << message << "\n";
  return 1;
}

static int fail(llvm::Error err) {
  return fail(llvm::toString(std::move(err)));
}

//===----------------------------------------------------------------------===//
// Arguments
//===----------------------------------------------------------------------===//

/// splitmix64: a tiny, well-mixed generator whose stream is the same on
/// every platform (unlike std::uniform_real_distribution).
static uint64_t nextRandom(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Fills argument `index` with uniform values in [-1, 1) on a 2^-23 grid,
/// exact in f32 and f64 and rounded to nearest even for f16 and bf16. The
/// stream depends only on the seed and the argument index.
static AlignedBuffer makeRandomArgument(const TensorSpec &spec,
                                        unsigned index, uint64_t seed,
                                        int64_t bytes) {
  int64_t n = spec.getNumElements();
  AlignedBuffer buffer(bytes);
  if (!buffer)
    return buffer;
  uint64_t state = seed ^ (0xd1b54a32d192ed03ULL * (index + 1));
  for (int64_t i = 0; i < n; ++i) {
    float v = static_cast<float>(static_cast<int64_t>(nextRandom(state) >> 40) -
                                 (int64_t(1) << 23)) *
              0x1p-23f;
    switch (spec.elementType) {
    case ElementType::F32:
      static_cast<float *>(buffer.data())[i] = v;
      break;
    case ElementType::F64:
      static_cast<double *>(buffer.data())[i] = v;
      break;
    case ElementType::BF16:
      static_cast<uint16_t *>(buffer.data())[i] = convertF32ToBF16(v);
      break;
    case ElementType::F16: {
      llvm::APFloat f(v);
      bool losesInfo;
      f.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven,
                &losesInfo);
      static_cast<uint16_t *>(buffer.data())[i] =
          static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue());
      break;
    }
    }
  }
  return buffer;
}

static std::string shapeStr(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + "]";
}

//===----------------------------------------------------------------------===//
// Modes
//===----------------------------------------------------------------------===//

static bool hasDataFlags() {
  return !inputFiles.empty() || !outputFiles.empty() ||
         randomInputs.getNumOccurrences() || benchReps.getNumOccurrences();
}

/// mlir-runner style: run a main without arguments and print its result.
static int runMain(JitModule &jit, llvm::StringRef resultType) {
  if (hasDataFlags())
    return fail("--input, --output, --random-inputs and --bench need a "
                "function with tensor arguments; they cannot be combined "
                "with -entry-point-result");
  union {
    int32_t i32;
    int64_t i64;
    float f32;
  } result = {};
  if (llvm::Error err = jit.invokeMain(entryName, resultType, &result))
    return fail(std::move(err));
  if (resultType == "i32")
    llvm::outs() << result.i32 << "\n";
  else if (resultType == "i64")
    llvm::outs() << result.i64 << "\n";
  else if (resultType == "f32")
    llvm::outs() << result.f32 << "\n";
  llvm::outs().flush();
  return 0;
}

/// The result type of an LLVM-dialect entry, for modules given as LLVM.
static std::optional<std::string> inferMainResultType(JitModule &jit) {
  auto func = jit.getLoweredModule().lookupSymbol<LLVM::LLVMFuncOp>(entryName);
  if (!func || func.getFunctionType().getNumParams() != 0)
    return std::nullopt;
  Type ret = func.getFunctionType().getReturnType();
  if (isa<LLVM::LLVMVoidType>(ret))
    return "void";
  if (ret.isInteger(32))
    return "i32";
  if (ret.isInteger(64))
    return "i64";
  if (ret.isF32())
    return "f32";
  return std::nullopt;
}

static int runWithBuffers(JitModule &jit, const FunctionSignature &sig) {
  if (inputFiles.size() > sig.arguments.size())
    return fail("got " + llvm::Twine(inputFiles.size()) +
                " --input file(s) but '" + sig.name + "' takes " +
                llvm::Twine(sig.arguments.size()) + " argument(s) " +
                sig.str());
  if (outputFiles.size() > sig.results.size())
    return fail("got " + llvm::Twine(outputFiles.size()) +
                " --output file(s) but '" + sig.name + "' returns " +
                llvm::Twine(sig.results.size()) + " result(s) " + sig.str());

  llvm::SmallVector<AlignedBuffer> storage;
  llvm::SmallVector<ArgumentBuffer> args;
  for (auto [i, spec] : llvm::enumerate(sig.arguments)) {
    std::string what = "argument #" + std::to_string(i) + " of '" + sig.name +
                       "' (" + spec.str() + ")";
    ArgumentBuffer arg;
    if (i < inputFiles.size()) {
      llvm::Expected<NpyArray> array = readNpyFile(inputFiles[i]);
      if (!array)
        return fail(array.takeError());
      llvm::Expected<AlignedBuffer> data = convertNpyToArgument(
          *array, spec.elementType, what + ", from '" + inputFiles[i] + "'");
      if (!data)
        return fail(data.takeError());
      arg.shape = array->shape;
      storage.push_back(std::move(*data));
    } else if (randomInputs.getNumOccurrences()) {
      if (!spec.hasStaticShape())
        return fail(what + " has dynamic dimensions; give its data with "
                           "--input (--random-inputs needs static shapes)");
      std::optional<int64_t> bytes = spec.getSizeInBytes();
      if (!bytes)
        return fail(what + " has more bytes than a 64-bit size can count");
      arg.shape = spec.shape;
      storage.push_back(makeRandomArgument(spec, i, randomInputs, *bytes));
      if (!storage.back())
        return fail("out of memory for " + what);
    } else {
      return fail("no data for " + what + ": give one --input per argument " +
                  "or --random-inputs=SEED");
    }
    arg.data = storage.back().data();
    args.push_back(std::move(arg));
  }
  // Name the file in shape errors.
  if (llvm::Error err = jit.checkArguments(sig, args)) {
    std::string message = llvm::toString(std::move(err));
    for (auto [i, arg] : llvm::enumerate(args))
      if (i < inputFiles.size() &&
          message.find("argument #" + std::to_string(i) + " ") == 0)
        message += " from '" + inputFiles[i] + "' of shape " +
                   shapeStr(arg.shape);
    return fail("shape mismatch: " + message);
  }

  llvm::SmallVector<ResultBuffer> results;
  auto freeAll = [&] {
    for (ResultBuffer &r : results)
      freeResultBuffer(r);
    results.clear();
  };
  if (benchReps.getNumOccurrences()) {
    if (benchReps == 0)
      return fail("--bench needs at least 1 repetition");
    // Warm-up: page in the code, the inputs and the allocator's heap.
    if (llvm::Error err = jit.call(sig.name, args, results))
      return fail(std::move(err));
    freeAll();
    std::vector<double> times;
    for (unsigned r = 0; r < benchReps; ++r) {
      freeAll();
      auto start = std::chrono::steady_clock::now();
      llvm::Error err = jit.call(sig.name, args, results);
      auto stop = std::chrono::steady_clock::now();
      if (err)
        return fail(std::move(err));
      times.push_back(
          std::chrono::duration<double, std::milli>(stop - start).count());
    }
    uint64_t bytes = 0;
    for (auto [arg, spec] : llvm::zip_equal(args, sig.arguments)) {
      uint64_t n = 1;
      for (int64_t d : arg.shape)
        n *= d;
      bytes += n * getElementTypeSize(spec.elementType);
    }
    for (const ResultBuffer &r : results)
      bytes += r.getSizeInBytes();
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    size_t n = sorted.size();
    double median = n % 2 ? sorted[n / 2]
                          : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    double gbps = median > 0 ? bytes / (median * 1e-3) / 1e9 : 0.0;
    llvm::outs() << llvm::format(
        "bench: median_ms=%.6f min_ms=%.6f reps=%u bytes=%llu gbps=%.3f\n",
        median, sorted.front(), static_cast<unsigned>(benchReps),
        static_cast<unsigned long long>(bytes), gbps);
    llvm::outs().flush();
  } else if (llvm::Error err = jit.call(sig.name, args, results)) {
    return fail(std::move(err));
  }

  for (auto [i, path] : llvm::enumerate(outputFiles))
    if (llvm::Error err = writeResultAsNpy(path, results[i])) {
      freeAll();
      return fail(std::move(err));
    }
  freeAll();
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  // A failed runtime check of the JIT-compiled code (cf.assert, e.g. a
  // weight shorter than the rows of x) prints the op with puts before the
  // call returns an error: line-buffered stdout keeps that message ahead of
  // the error on stderr.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  // A failed cf.assert on an OpenMP worker thread cannot be turned into an
  // error (only the calling thread's abort is caught): it lands here, after
  // its message.
  llvm::setBugReportMsg(
      "norm-runner crashed. If a runtime check or cf.assert printed its "
      "message above (from a parallel region, where it cannot be caught), the "
      "input is at fault; otherwise please report the input and the command "
      "line (frames without names below are in JIT-compiled code).\n");
  cl::HideUnrelatedOptions(runnerCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "norm-runner: JIT-compile and run a function of an MLIR module\n");

  JitOptions options;
  unsigned numOptFlags = optO0 + optO1 + optO2 + optO3;
  if (numOptFlags > 1)
    return fail("give at most one of -O0, -O1, -O2, -O3");
  options.optLevel = optO0 ? 0 : optO1 ? 1 : optO2 ? 2 : 3;
  if (target != "cpu" && target != "cuda")
    return fail("unknown --target '" + target + "' (expected cpu or cuda)");
  options.target = target;
  options.pipelineOptions = pipelineOptions;
  options.pipeline = explicitPipeline;
  options.cudaRuntimeLibrary = cudaRuntime;
  options.sharedLibs.assign(sharedLibs.begin(), sharedLibs.end());
  if (objectFilename.getNumOccurrences() && !dumpObjectFile)
    return fail("--object-filename needs --dump-object-file");
  if (objectFilename.getNumOccurrences() && objectFilename.empty())
    return fail("--object-filename needs a file name");
  if (dumpObjectFile)
    options.objectFile = objectFilename.getNumOccurrences()
                             ? std::string(objectFilename)
                             : (inputFilename == "-" ? std::string("stdin")
                                                     : inputFilename) +
                                   ".o";
  if (entryPointResult.getNumOccurrences() &&
      !llvm::is_contained({"void", "i32", "i64", "f32"},
                          llvm::StringRef(entryPointResult)))
    return fail("unknown -entry-point-result '" + entryPointResult +
                "' (expected void, i32, i64 or f32)");

  llvm::Expected<std::unique_ptr<JitModule>> jit =
      JitModule::compileFile(inputFilename, options);
  if (!jit)
    return fail(jit.takeError());
  if (printLowered) {
    (*jit)->getLoweredModule().print(llvm::outs());
    llvm::outs() << "\n";
    llvm::outs().flush();
  }

  if (entryPointResult.getNumOccurrences())
    return runMain(**jit, entryPointResult);
  if (const FunctionSignature *sig = (*jit)->lookupFunction(entryName)) {
    if (!sig->isCallable())
      return fail("function '" + entryName + "' cannot be run with buffers: " +
                  sig->unsupportedReason +
                  " (use -entry-point-result for a main returning a scalar)");
    return runWithBuffers(**jit, *sig);
  }
  if ((*jit)->hasFunction(entryName)) {
    // Given in the LLVM dialect (or private): no tensor signature is known,
    // so run it like mlir-runner with the result type it declares.
    std::optional<std::string> resultType = inferMainResultType(**jit);
    if (!resultType)
      return fail("entry function '" + entryName +
                  "' must take no arguments and return void, i32, i64 or "
                  "f32 (no tensor signature is known for it: it is private, "
                  "or the module was given in the LLVM dialect)");
    return runMain(**jit, *resultType);
  }
  std::string known;
  for (const FunctionSignature &f : (*jit)->getFunctions())
    known += (known.empty() ? "" : ", ") + f.name;
  return fail("entry function '" + entryName + "' not found" +
              (known.empty() ? std::string()
                             : " (public functions: " + known + ")"));
}
