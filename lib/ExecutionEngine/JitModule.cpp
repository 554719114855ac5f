//===- JitModule.cpp - JIT-compile and call norm-mlir modules -------------===//
//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Norm/ExecutionEngine/JitModule.h"

#include "Norm/ExecutionEngine/HostAllocator.h"

#include "Norm/InitAll.h"

#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <csetjmp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <malloc.h>
#include <mutex>
#include <unistd.h>

using namespace mlir;
using namespace mlir::norm;

#ifndef NORM_MLIR_RUNTIME_DIR
#define NORM_MLIR_RUNTIME_DIR "/usr/lib/llvm-22/lib"
#endif
#ifndef NORM_BUILD_LIB_DIR
#define NORM_BUILD_LIB_DIR ""
#endif

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

//===----------------------------------------------------------------------===//
// Types and buffers
//===----------------------------------------------------------------------===//

size_t norm::getElementTypeSize(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return 4;
  case ElementType::F16:
  case ElementType::BF16:
    return 2;
  case ElementType::F64:
    return 8;
  }
  llvm_unreachable("unknown element type");
}

llvm::StringRef norm::getElementTypeName(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return "f32";
  case ElementType::F16:
    return "f16";
  case ElementType::BF16:
    return "bf16";
  case ElementType::F64:
    return "f64";
  }
  llvm_unreachable("unknown element type");
}

bool TensorSpec::hasStaticShape() const {
  return llvm::none_of(shape, [](int64_t d) { return d == kDynamicDim; });
}

int64_t TensorSpec::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::optional<int64_t> TensorSpec::getSizeInBytes() const {
  if (llvm::is_contained(shape, 0))
    return 0;
  int64_t bytes = getElementTypeSize(elementType);
  for (int64_t d : shape) {
    std::optional<int64_t> product = llvm::checkedMul(bytes, d);
    if (!product)
      return std::nullopt;
    bytes = *product;
  }
  return bytes;
}

std::string TensorSpec::str() const {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += (d == kDynamicDim ? std::string("?") : std::to_string(d)) + "x";
  return s + getElementTypeName(elementType).str() + ">";
}

std::string FunctionSignature::str() const {
  auto join = [](llvm::ArrayRef<TensorSpec> specs) {
    std::string s;
    for (const TensorSpec &spec : specs)
      s += (s.empty() ? "" : ", ") + spec.str();
    return s;
  };
  std::string res = join(results);
  if (results.size() != 1)
    res = "(" + res + ")";
  return "(" + join(arguments) + ") -> " + res;
}

int64_t ResultBuffer::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

size_t ResultBuffer::getSizeInBytes() const {
  return getNumElements() * getElementTypeSize(elementType);
}

void norm::freeResultBuffer(ResultBuffer &buffer) {
  hostFree(buffer.allocated);
  buffer.allocated = nullptr;
  buffer.data = nullptr;
}

static std::string shapeToString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + "]";
}

//===----------------------------------------------------------------------===//
// Process-wide set-up
//===----------------------------------------------------------------------===//

const DialectRegistry &norm::getJitDialectRegistry() {
  static DialectRegistry *registry = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
    auto *r = new DialectRegistry();
    // Also registers all passes and pipelines (norm-lower-to-cpu) globally;
    // pipelines may only be registered once per process, hence the static.
    registerEverything(*r);
    return r;
  }();
  return *registry;
}

void norm::configureAllocatorForReuse() {
  static std::once_flag once;
  std::call_once(once, [] {
    // glibc serves blocks above the mmap threshold (128 KiB, adapting up
    // to 32 MiB) with fresh mmaps and unmaps them on free, so every call of
    // a kernel with a large result page-faults its whole output again
    // (measured here: 175 ms per 128 MiB block, against 14 ms when reused).
    // Serve blocks up to 1 GiB from the heap and never trim it: a freed
    // result is then reused by the next call. glibc 2.36 accepts 1 GiB;
    // older versions cap the threshold at 32 MiB.
    if (!mallopt(M_MMAP_THRESHOLD, 1 << 30))
      mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  });
}

//===----------------------------------------------------------------------===//
// Module preparation
//===----------------------------------------------------------------------===//

static std::optional<ElementType> getElementType(Type type) {
  if (type.isF32())
    return ElementType::F32;
  if (type.isF16())
    return ElementType::F16;
  if (type.isBF16())
    return ElementType::BF16;
  if (type.isF64())
    return ElementType::F64;
  return std::nullopt;
}

/// Converts `type` to a TensorSpec, or returns why it cannot.
static std::optional<TensorSpec> getTensorSpec(Type type) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType)
    return std::nullopt;
  std::optional<ElementType> elementType =
      getElementType(tensorType.getElementType());
  if (!elementType)
    return std::nullopt;
  TensorSpec spec;
  spec.elementType = *elementType;
  for (int64_t d : tensorType.getShape())
    spec.shape.push_back(ShapedType::isDynamic(d) ? kDynamicDim : d);
  return spec;
}

static std::string typeToString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  type.print(os);
  return s;
}

llvm::SmallVector<FunctionSignature>
norm::prepareFunctionsForJit(ModuleOp module) {
  llvm::SmallVector<FunctionSignature> functions;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || !func.isPublic())
      continue;
    FunctionSignature sig;
    sig.name = func.getSymName().str();
    FunctionType type = func.getFunctionType();
    auto convert = [&](TypeRange types, llvm::SmallVector<TensorSpec> &specs,
                       llvm::StringRef what) {
      for (auto [i, t] : llvm::enumerate(types)) {
        if (std::optional<TensorSpec> spec = getTensorSpec(t)) {
          specs.push_back(*spec);
        } else if (sig.unsupportedReason.empty()) {
          sig.unsupportedReason =
              (what + " #" + llvm::Twine(i) + " has type '" + typeToString(t) +
               "'; only ranked tensors of f32, f16, bf16 or f64 can be "
               "passed as buffers")
                  .str();
        }
      }
    };
    convert(type.getInputs(), sig.arguments, "argument");
    convert(type.getResults(), sig.results, "result");
    // Ask for the `_mlir_ciface_<name>` wrapper, which takes memref
    // descriptors by pointer: a stable C ABI whatever the rank.
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  UnitAttr::get(module.getContext()));
    functions.push_back(std::move(sig));
  }
  return functions;
}

/// The first operation of `module` (in pre-order) that is not lowered.
static Operation *findUnloweredOp(ModuleOp module) {
  Operation *found = nullptr;
  module.getBody()->walk<WalkOrder::PreOrder>([&](Operation *op) {
    llvm::StringRef ns = op->getName().getDialectNamespace();
    if (ns == "llvm" || ns == "omp")
      return WalkResult::advance();
    // The LLVM-IR translation handles these two directly.
    if (isa<gpu::BinaryOp, gpu::LaunchFuncOp>(op))
      return WalkResult::skip();
    found = op;
    return WalkResult::interrupt();
  });
  return found;
}

bool norm::isLoweredToLLVM(ModuleOp module) {
  return findUnloweredOp(module) == nullptr;
}

static bool usesOpenMPRuntime(ModuleOp module) {
  bool found = false;
  module.walk([&](Operation *op) {
    if (op->getName().getDialectNamespace() == "omp") {
      found = true;
      return WalkResult::interrupt();
    }
    if (auto func = dyn_cast<LLVM::LLVMFuncOp>(op);
        func && func.getSymName().starts_with("__kmpc_")) {
      found = true;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

namespace {
/// Collects the diagnostics emitted while a JitModule is built, with source
/// locations, so that they can be returned as an llvm::Error.
class DiagnosticCollector {
public:
  DiagnosticCollector(MLIRContext *context, llvm::SourceMgr &sourceMgr)
      : os(text), handler(sourceMgr, context, os) {}

  llvm::Error takeError(const llvm::Twine &what) {
    std::string message = what.str();
    if (!text.empty())
      message += ":\n" + llvm::StringRef(text).rtrim().str();
    return makeError(message);
  }

private:
  std::string text;
  llvm::raw_string_ostream os;
  SourceMgrDiagnosticHandler handler;
};
} // namespace

//===----------------------------------------------------------------------===//
// Compilation
//===----------------------------------------------------------------------===//

JitModule::JitModule() = default;
JitModule::~JitModule() {
  // The engine holds code compiled for the module; release it first.
  engine.reset();
  loweredModule = nullptr;
}

static std::unique_ptr<MLIRContext> createContext() {
  auto context = std::make_unique<MLIRContext>(getJitDialectRegistry());
  context->loadAllAvailableDialects();
  return context;
}

llvm::Expected<std::unique_ptr<JitModule>>
JitModule::compileSource(llvm::StringRef source, const JitOptions &options,
                         llvm::StringRef bufferName) {
  std::unique_ptr<JitModule> jit(new JitModule());
  jit->context = createContext();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, bufferName), llvm::SMLoc());
  OwningOpRef<ModuleOp> module;
  {
    DiagnosticCollector diags(jit->context.get(), sourceMgr);
    module = parseSourceFile<ModuleOp>(sourceMgr, jit->context.get());
    if (!module)
      return diags.takeError("cannot parse '" + bufferName + "'");
  }
  if (llvm::Error err = jit->compile(std::move(module), options, sourceMgr))
    return std::move(err);
  return std::move(jit);
}

llvm::Expected<std::unique_ptr<JitModule>>
JitModule::compileFile(llvm::StringRef path, const JitOptions &options) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer)
    return makeError("cannot open input file '" + path +
                     "': " + buffer.getError().message());
  return compileSource((*buffer)->getBuffer(), options,
                       path == "-" ? "<stdin>" : path);
}

llvm::Expected<std::unique_ptr<JitModule>>
JitModule::compileModule(ModuleOp module, const JitOptions &options) {
  // Round-trip through text into a context of our own: the JitModule then
  // never depends on the lifetime of the caller's context.
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, OpPrintingFlags().enableDebugInfo().printGenericOpForm());
  return compileSource(text, options, "<module>");
}

/// Drops an outer `builtin.module(...)`: parsePassPipeline on a module-anchored
/// pass manager would otherwise nest a second module pass manager that runs
/// on nothing, and the IR would silently stay unlowered.
static llvm::StringRef stripModuleAnchor(llvm::StringRef pipeline) {
  pipeline = pipeline.trim();
  if (pipeline.consume_front("builtin.module(") && pipeline.consume_back(")"))
    return pipeline.trim();
  return pipeline;
}

/// Finds the project's CUDA runtime wrapper library.
static llvm::Expected<std::string> findCudaRuntime(const JitOptions &options) {
  if (!options.cudaRuntimeLibrary.empty()) {
    if (!llvm::sys::fs::exists(options.cudaRuntimeLibrary))
      return makeError("CUDA runtime wrapper library '" +
                       options.cudaRuntimeLibrary + "' not found");
    return options.cudaRuntimeLibrary;
  }
  llvm::SmallVector<std::string> candidates;
  {
    if (const char *env = std::getenv("NORM_CUDA_RUNTIME"))
      candidates.push_back(env);
    // Next to the binary holding this code: build/lib for the C library,
    // build/bin/../lib for norm-runner.
    Dl_info info;
    if (dladdr(reinterpret_cast<void *>(&findCudaRuntime), &info) &&
        info.dli_fname) {
      llvm::SmallString<256> dir(info.dli_fname);
      llvm::sys::path::remove_filename(dir);
      llvm::SmallString<256> lib = dir;
      llvm::sys::path::append(lib, "libnorm_cuda_runtime.so");
      candidates.push_back(std::string(lib));
      lib = dir;
      llvm::sys::path::append(lib, "..", "lib", "libnorm_cuda_runtime.so");
      candidates.push_back(std::string(lib));
    }
    if (llvm::StringRef(NORM_BUILD_LIB_DIR).size())
      candidates.push_back(std::string(NORM_BUILD_LIB_DIR) +
                           "/libnorm_cuda_runtime.so");
  }
  for (const std::string &c : candidates)
    if (llvm::sys::fs::exists(c))
      return c;
  std::string looked;
  for (const std::string &c : candidates)
    looked += "\n  " + c;
  return makeError("--target=cuda needs the CUDA runtime wrapper library "
                   "libnorm_cuda_runtime.so; not found (looked for:" +
                   looked + "); build it or set NORM_CUDA_RUNTIME");
}

/// True when `options` (the text between the braces of a pipeline) sets
/// `name`, e.g. "threads=1 native-bf16=false" sets native-bf16.
static bool setsPipelineOption(llvm::StringRef options, llvm::StringRef name) {
  llvm::SmallVector<llvm::StringRef> words;
  options.split(words, ' ', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  return llvm::any_of(words, [&](llvm::StringRef word) {
    return word.split('=').first.trim() == name;
  });
}

/// Appends `name`=true to `options` (space-separated) unless the user set
/// `name` there.
static void setPipelineOptionUnlessGiven(std::string &options,
                                         llvm::StringRef name) {
  if (setsPipelineOption(options, name))
    return;
  options += (options.empty() ? "" : " ") + name.str() + "=true";
}

/// The JIT compiles for this host (as -march=native does), so the CPU
/// pipeline's target-dependent choices that the user left open follow the
/// host: with AVX512-BF16 (vcvtneps2bf16, 16 lanes per instruction) the
/// f32 -> bf16 casts stay casts for LLVM (native-bf16=true), measured 0.8-0.9x
/// the time of the integer rounding code on the 16-bit rows of an Emerald
/// Rapids host (bench/ab.py). Elsewhere LLVM would call __truncsfbf2 per
/// element, so norm-expand-bf16-casts stays on. Both round to nearest even and
/// keep NaN a NaN; the instruction also takes f32 subnormals (below 1.2e-38)
/// to zero.
static void addHostCPUDefaults(std::string &pipelineOptions) {
  llvm::StringMap<bool, llvm::MallocAllocator> features =
      llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512bf16") && features.lookup("avx512vl"))
    setPipelineOptionUnlessGiven(pipelineOptions, "native-bf16");
}

/// Arrays reach a JIT-compiled function with any shape; where its types are
/// dynamic, a size that does not fit the norm op (a weight shorter than the
/// rows) would make the loops read past a buffer. A few compares per call
/// catch it (runtime-verification=true) unless the user said otherwise.
static void addRuntimeVerification(std::string &pipelineOptions) {
  setPipelineOptionUnlessGiven(pipelineOptions, "runtime-verification");
}

/// A cache size of the CPU this process runs on (sysconf `name`), in bytes;
/// 0 when the C library cannot tell.
static int64_t hostCacheBytes(int name) {
  long size = sysconf(name);
  return size > 0 ? size : 0;
}

/// Gives `module` a DLTI target system spec that describes this host's CPU
/// (its L1 data cache size, which picks where norm-prefetch-rows prefetches
/// gradients, and its L2 size, which tells it which buffers stay in cache;
/// see PrefetchRows.cpp), unless the module has one already: a spec written
/// by the user describes the target they mean.
static void describeHostCPU(ModuleOp module) {
  if (module->hasAttr(DLTIDialect::kTargetSystemDescAttrName))
    return;
  MLIRContext *context = module.getContext();
  auto ui32 = IntegerType::get(context, 32, IntegerType::Unsigned);
  SmallVector<DataLayoutEntryInterface> entries;
  auto addSize = [&](StringRef key, int64_t bytes) {
    if (bytes > 0 && bytes <= std::numeric_limits<uint32_t>::max())
      entries.push_back(DataLayoutEntryAttr::get(StringAttr::get(context, key),
                                                 IntegerAttr::get(ui32, bytes)));
  };
  // (The L2 is per core on current x86 CPUs.)
  addSize("L1_cache_size_in_bytes", hostCacheBytes(_SC_LEVEL1_DCACHE_SIZE));
  addSize("L2_cache_size_in_bytes", hostCacheBytes(_SC_LEVEL2_CACHE_SIZE));
  if (entries.empty())
    return;
  context->getOrLoadDialect<DLTIDialect>();
  auto cpu = TargetDeviceSpecAttr::get(context, entries);
  auto system = TargetSystemSpecAttr::get(
      context, {DataLayoutEntryAttr::get(StringAttr::get(context, "CPU"), cpu)});
  module->setAttr(DLTIDialect::kTargetSystemDescAttrName, system);
}

llvm::Error JitModule::compile(OwningOpRef<ModuleOp> module,
                               const JitOptions &options,
                               llvm::SourceMgr &sourceMgr) {
  catchFailedChecks = options.target == "cpu";
  configureAllocatorForReuse();
  if (options.target != "cpu" && options.target != "cuda")
    return makeError("unknown target '" + options.target +
                     "' (expected 'cpu' or 'cuda')");
  if (options.optLevel > 3)
    return makeError("optimization level must be 0..3, got " +
                     llvm::Twine(options.optLevel));

  // Find the CUDA runtime before spending time on the lowering.
  std::string cudaRuntime;
  if (options.target == "cuda") {
    llvm::Expected<std::string> lib = findCudaRuntime(options);
    if (!lib)
      return lib.takeError();
    cudaRuntime = *lib;
  }

  if (isLoweredToLLVM(*module) && options.pipeline.empty()) {
    lowered = false;
  } else {
    lowered = true;
    functions = prepareFunctionsForJit(*module);
    std::string pipeline = options.pipeline;
    if (pipeline.empty()) {
      llvm::StringRef name =
          options.target == "cpu" ? "norm-lower-to-cpu" : "norm-lower-to-nvvm";
      if (!PassPipelineInfo::lookup(name))
        return makeError("the pass pipeline '" + name +
                         "' is not registered in this build; give an "
                         "explicit pipeline instead");
      pipeline = name.str();
      std::string pipelineOptions = options.pipelineOptions;
      if (options.target == "cpu") {
        addHostCPUDefaults(pipelineOptions);
        addRuntimeVerification(pipelineOptions);
      }
      if (!pipelineOptions.empty())
        pipeline += "{" + pipelineOptions + "}";
    }
    if (options.target == "cpu")
      describeHostCPU(*module);
    PassManager pm = PassManager::on<ModuleOp>(context.get());
    std::string parseErrors;
    llvm::raw_string_ostream parseOs(parseErrors);
    if (failed(parsePassPipeline(stripModuleAnchor(pipeline), pm, parseOs)))
      return makeError("invalid pass pipeline '" + pipeline + "': " +
                       llvm::StringRef(parseErrors).trim());
    DiagnosticCollector diags(context.get(), sourceMgr);
    if (failed(pm.run(*module)))
      return diags.takeError("lowering with '" + pipeline + "' failed");
    if (Operation *op = findUnloweredOp(*module))
      return makeError("lowering with '" + pipeline +
                       "' left an operation outside the LLVM dialect: '" +
                       op->getName().getStringRef() + "'");
  }
  openMP = usesOpenMPRuntime(*module);

  // Shared libraries, checked up front: ExecutionEngine only prints a
  // warning for a library it cannot load, and the JIT then fails on
  // unresolved symbols.
  std::vector<std::string> libs = {
      NORM_MLIR_RUNTIME_DIR "/libmlir_c_runner_utils.so",
      NORM_MLIR_RUNTIME_DIR "/libmlir_runner_utils.so"};
  if (openMP) {
    std::string omp = NORM_MLIR_RUNTIME_DIR "/libomp.so.5";
    if (!llvm::sys::fs::exists(omp))
      omp = "/usr/lib/x86_64-linux-gnu/libomp.so.5";
    libs.push_back(omp);
  }
  if (!cudaRuntime.empty())
    libs.push_back(cudaRuntime);
  for (const std::string &lib : options.sharedLibs)
    libs.push_back(lib);
  for (const std::string &lib : libs) {
    if (!llvm::sys::fs::exists(lib))
      return makeError("shared library '" + lib + "' not found");
    // dlopen it now for a clear message (e.g. a missing libcuda.so.1);
    // the engine opens it again and gets the same handle.
    if (!dlopen(lib.c_str(), RTLD_NOW | RTLD_GLOBAL)) {
      const char *why = dlerror();
      return makeError("cannot load shared library '" + lib +
                       "': " + (why ? why : "unknown error"));
    }
  }
  llvm::SmallVector<llvm::StringRef> libRefs(libs.begin(), libs.end());

  auto transformer = makeOptimizingTransformer(options.optLevel,
                                               /*sizeLevel=*/0, nullptr);
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel =
      static_cast<llvm::CodeGenOptLevel>(options.optLevel);
  engineOptions.sharedLibPaths = libRefs;
  engineOptions.enableObjectDump = !options.objectFile.empty();
  {
    DiagnosticCollector diags(context.get(), sourceMgr);
    llvm::Expected<std::unique_ptr<ExecutionEngine>> created =
        ExecutionEngine::create(*module, engineOptions);
    if (!created) {
      std::string why = llvm::toString(created.takeError());
      return diags.takeError("JIT compilation failed: " + why);
    }
    engine = std::move(*created);
  }
  // Before anything is linked: the compiled code's malloc, aligned_alloc and
  // free go to the host allocator (large blocks on huge pages, see
  // HostAllocator.h), which also frees the results it returns.
  engine->registerSymbols(getHostAllocatorSymbols);

  // Materialize the code before running global constructors: a symbol that
  // no library provides is then an error here rather than an abort inside
  // ExecutionEngine::initialize.
  std::string probe;
  for (auto func : module->getOps<LLVM::LLVMFuncOp>())
    if (!func.isExternal()) {
      probe = func.getSymName().str();
      break;
    }
  if (!probe.empty())
    if (llvm::Expected<void *> fn = engine->lookup(probe); !fn)
      return makeError("JIT linking failed: " + llvm::toString(fn.takeError()));
  engine->initialize();
  if (!options.objectFile.empty()) {
    // The engine reports a file it cannot open on stderr and goes on; make
    // that an error of this call.
    (void)llvm::sys::fs::remove(options.objectFile);
    engine->dumpToObjectFile(options.objectFile);
    uint64_t size = 0;
    if (!llvm::sys::fs::is_regular_file(options.objectFile) ||
        llvm::sys::fs::file_size(options.objectFile, size) || size == 0)
      return makeError("cannot write the object file '" + options.objectFile +
                       "'");
  }

  for (const FunctionSignature &sig : functions) {
    if (!sig.isCallable())
      continue;
    llvm::Expected<void (*)(void **)> fn =
        engine->lookupPacked("_mlir_ciface_" + sig.name);
    if (!fn)
      return makeError("cannot find the C interface of '" + sig.name +
                       "': " + llvm::toString(fn.takeError()));
    packedEntries[sig.name] = *fn;
  }
  loweredModule = std::move(module);
  return llvm::Error::success();
}

const FunctionSignature *
JitModule::lookupFunction(llvm::StringRef name) const {
  for (const FunctionSignature &sig : functions)
    if (sig.name == name)
      return &sig;
  return nullptr;
}

static LLVM::LLVMFuncOp lookupLLVMFunction(ModuleOp module,
                                           llvm::StringRef name) {
  auto func = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
  if (func && func.isExternal())
    return nullptr;
  return func;
}

bool JitModule::hasFunction(llvm::StringRef name) const {
  return static_cast<bool>(lookupLLVMFunction(*loweredModule, name));
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

llvm::Error JitModule::checkArguments(const FunctionSignature &sig,
                                      llvm::ArrayRef<ArgumentBuffer> args) const {
  if (args.size() != sig.arguments.size())
    return makeError("function '" + sig.name + "' takes " +
                     llvm::Twine(sig.arguments.size()) + " argument(s), got " +
                     llvm::Twine(args.size()) + " (signature " + sig.str() +
                     ")");
  for (auto [i, arg, spec] : llvm::enumerate(args, sig.arguments)) {
    auto prefix = [&, i = i, &spec = spec]() {
      return "argument #" + std::to_string(i) + " of '" + sig.name +
             "' (" + spec.str() + "): ";
    };
    if (arg.shape.size() != spec.shape.size())
      return makeError(prefix() + "expected rank " +
                       llvm::Twine(spec.shape.size()) + ", got shape " +
                       shapeToString(arg.shape));
    int64_t numElements = 1;
    for (auto [d, size, expected] :
         llvm::enumerate(arg.shape, spec.shape)) {
      if (size < 0)
        return makeError(prefix() + "negative size in shape " +
                         shapeToString(arg.shape));
      if (expected != kDynamicDim && size != expected)
        return makeError(prefix() + "dimension " + llvm::Twine(d) +
                         " must be " + llvm::Twine(expected) + ", got " +
                         llvm::Twine(size) + " (shape " +
                         shapeToString(arg.shape) + ")");
      numElements *= size;
    }
    if (numElements > 0 && !arg.data)
      return makeError(prefix() + "null data pointer");
  }
  return llvm::Error::success();
}

namespace {
/// A memref descriptor in the layout of the LLVM lowering:
/// {allocated, aligned, offset, sizes[rank], strides[rank]}, all 8 bytes.
struct DescriptorView {
  int64_t *words;
  unsigned rank;

  static size_t getNumWords(unsigned rank) { return 3 + 2 * rank; }
  void *allocated() const { return reinterpret_cast<void *>(words[0]); }
  char *aligned() const { return reinterpret_cast<char *>(words[1]); }
  int64_t offset() const { return words[2]; }
  int64_t size(unsigned i) const { return words[3 + i]; }
  int64_t stride(unsigned i) const { return words[3 + rank + i]; }
};
} // namespace

/// Copies a strided array of `elementSize`-byte elements into `dst`
/// (contiguous, row-major).
static void copyStrided(char *dst, const char *src, const DescriptorView &desc,
                        unsigned dim, size_t elementSize, char *&out) {
  if (dim == desc.rank) {
    std::memcpy(out, src, elementSize);
    out += elementSize;
    return;
  }
  for (int64_t i = 0; i < desc.size(dim); ++i)
    copyStrided(dst, src + i * desc.stride(dim) * elementSize, desc, dim + 1,
                elementSize, out);
}

static bool isContiguous(const DescriptorView &desc) {
  int64_t expected = 1;
  for (int d = desc.rank - 1; d >= 0; --d) {
    if (desc.size(d) != 1 && desc.stride(d) != expected)
      return false;
    expected *= desc.size(d);
  }
  return true;
}

namespace {
/// Where the SIGABRT handler returns to while a JIT-compiled function runs
/// on this thread (null otherwise). Initial-exec TLS: reading it in the
/// handler must not allocate (an abort may come from malloc's own checks).
__attribute__((tls_model("initial-exec"))) thread_local sigjmp_buf
    *abortLanding = nullptr;

/// The SIGABRT action before callCatchingAbort installed its own.
struct sigaction previousAbortAction = {};

extern "C" void returnFromAbort(int signal, siginfo_t *info, void *context) {
  if (sigjmp_buf *landing = abortLanding)
    siglongjmp(*landing, 1);
  // Not ours (another thread): what would have run without us, e.g. LLVM's
  // stack dump or Python's faulthandler, else the default action.
  const struct sigaction &previous = previousAbortAction;
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(signal, info, context);
  } else if (previous.sa_handler == SIG_IGN) {
    return;
  } else if (previous.sa_handler != SIG_DFL) {
    previous.sa_handler(signal);
  } else {
    ::signal(signal, SIG_DFL);
    ::raise(signal);
  }
}
} // namespace

/// Calls `entry` and returns false when it called abort(): a failed
/// cf.assert (runtime-verification) prints its message and aborts. POSIX
/// lets a SIGABRT handler that does not return keep the process alive, so
/// the caller (norm-runner, a Python program) gets an error instead of
/// losing the process. The checks run on the calling thread, before any
/// parallel region; what the function allocated before them is leaked.
static bool callCatchingAbort(void (*entry)(void **), void **packed) {
  // Installed on the first call and kept (aborts outside a call go to the
  // previous action): installing and restoring it, and saving the signal
  // mask, around every call would cost three system calls, about 1 us, 5%
  // of a cache-resident 64x4096 call. (glibc's abort() releases its lock
  // before raising, so leaving its handler by siglongjmp is safe.)
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction ours = {};
    ours.sa_sigaction = returnFromAbort;
    ours.sa_flags = SA_SIGINFO;
    sigemptyset(&ours.sa_mask);
    sigaction(SIGABRT, &ours, &previousAbortAction);
  });
  sigjmp_buf landing;
  bool completed = false;
  if (sigsetjmp(landing, /*savemask=*/0) == 0) {
    abortLanding = &landing;
    entry(packed);
    completed = true;
  } else {
    // The kernel blocked SIGABRT for the handler, which never returned.
    sigset_t abortOnly;
    sigemptyset(&abortOnly);
    sigaddset(&abortOnly, SIGABRT);
    pthread_sigmask(SIG_UNBLOCK, &abortOnly, nullptr);
  }
  abortLanding = nullptr;
  std::fflush(stdout);
  return completed;
}

llvm::Error JitModule::call(llvm::StringRef name,
                            llvm::ArrayRef<ArgumentBuffer> args,
                            llvm::SmallVectorImpl<ResultBuffer> &results) {
  results.clear();
  const FunctionSignature *sig = lookupFunction(name);
  if (!sig) {
    std::string known;
    for (const FunctionSignature &f : functions)
      known += (known.empty() ? "" : ", ") + f.name;
    return makeError("no public function '" + name + "' in the module" +
                     (known.empty() ? std::string()
                                    : " (functions: " + known + ")"));
  }
  if (!sig->isCallable())
    return makeError("function '" + name + "' cannot be called with buffers: " +
                     sig->unsupportedReason);
  if (llvm::Error err = checkArguments(*sig, args))
    return err;

  // Argument descriptors: identity layout, offset 0, row-major strides.
  llvm::SmallVector<llvm::SmallVector<int64_t, 11>> argDescs;
  for (const ArgumentBuffer &arg : args) {
    unsigned rank = arg.shape.size();
    llvm::SmallVector<int64_t, 11> desc(DescriptorView::getNumWords(rank));
    desc[0] = desc[1] = reinterpret_cast<intptr_t>(arg.data);
    desc[2] = 0;
    int64_t stride = 1;
    for (int d = rank - 1; d >= 0; --d) {
      desc[3 + d] = arg.shape[d];
      desc[3 + rank + d] = stride;
      stride *= arg.shape[d];
    }
    argDescs.push_back(std::move(desc));
  }
  // Results: the C interface writes one descriptor, or a struct of them
  // (8-byte fields, hence no padding), through its first parameter.
  size_t resultWords = 0;
  for (const TensorSpec &spec : sig->results)
    resultWords += DescriptorView::getNumWords(spec.shape.size());
  llvm::SmallVector<int64_t, 32> resultStorage(resultWords, 0);

  void *resultPtr = resultStorage.data();
  llvm::SmallVector<void *> descPtrs;
  for (auto &desc : argDescs)
    descPtrs.push_back(desc.data());
  llvm::SmallVector<void *> packed;
  if (!sig->results.empty())
    packed.push_back(&resultPtr);
  for (void *&p : descPtrs)
    packed.push_back(&p);

  void (*entry)(void **) = packedEntries.lookup(name);
  if (!catchFailedChecks)
    entry(packed.data());
  else if (!callCatchingAbort(entry, packed.data()))
    return makeError("function '" + name +
                     "' stopped at a failed runtime check or another abort() "
                     "(a check prints on stdout \"Runtime op verification "
                     "failed\" and the op when the arguments' sizes do not "
                     "fit its ops, or a cf.assert's message; a library such "
                     "as OpenMP prints on stderr)");

  // Take ownership of the results. A result buffer may not be ours to
  // free: a constant global (memref.get_global marks it with 0xdeadbeef),
  // an argument or a view of one, or a buffer returned twice. Such results,
  // and strided ones, are copied into fresh buffers.
  auto isForeign = [&](void *allocated) {
    if (!allocated || allocated == reinterpret_cast<void *>(0xdeadbeef))
      return true;
    for (auto [arg, spec] : llvm::zip_equal(args, sig->arguments)) {
      const char *begin = static_cast<const char *>(arg.data);
      if (!begin)
        continue;
      int64_t n = 1;
      for (int64_t d : arg.shape)
        n *= d;
      const char *end = begin + std::max<int64_t>(n, 1) *
                                    getElementTypeSize(spec.elementType);
      if (allocated >= begin && allocated < end)
        return true;
    }
    return false;
  };
  llvm::SmallPtrSet<void *, 4> claimed;
  llvm::SmallVector<void *> deferredFree;
  int64_t *words = resultStorage.data();
  for (const TensorSpec &spec : sig->results) {
    DescriptorView desc{words, static_cast<unsigned>(spec.shape.size())};
    words += DescriptorView::getNumWords(desc.rank);
    ResultBuffer result;
    result.elementType = spec.elementType;
    for (unsigned d = 0; d < desc.rank; ++d)
      result.shape.push_back(desc.size(d));
    size_t elementSize = getElementTypeSize(spec.elementType);
    void *allocated = desc.allocated();
    bool ownable = !isForeign(allocated) && !claimed.contains(allocated);
    if (ownable)
      claimed.insert(allocated);
    char *first = desc.aligned() + desc.offset() * elementSize;
    if (ownable && isContiguous(desc)) {
      result.data = first;
      result.allocated = allocated;
    } else {
      size_t bytes = result.getSizeInBytes();
      char *copy = static_cast<char *>(hostAlignedAlloc(64, bytes));
      if (!copy)
        return makeError("out of memory copying result of '" + name + "'");
      char *out = copy;
      if (bytes)
        copyStrided(copy, first, desc, 0, elementSize, out);
      result.data = result.allocated = copy;
      if (ownable)
        deferredFree.push_back(allocated);
    }
    results.push_back(std::move(result));
  }
  for (void *p : deferredFree)
    hostFree(p);
  return llvm::Error::success();
}

llvm::Error JitModule::invokeMain(llvm::StringRef name,
                                  llvm::StringRef resultType, void *result) {
  LLVM::LLVMFuncOp func = lookupLLVMFunction(*loweredModule, name);
  if (!func)
    return makeError("entry function '" + name + "' not found");
  auto type = func.getFunctionType();
  if (type.getNumParams() != 0)
    return makeError("entry function '" + name +
                     "' must take no arguments to be run with "
                     "-entry-point-result (it takes " +
                     llvm::Twine(type.getNumParams()) + ")");
  Type ret = type.getReturnType();
  bool matches = false;
  if (resultType == "void")
    matches = isa<LLVM::LLVMVoidType>(ret);
  else if (resultType == "i32")
    matches = ret.isInteger(32);
  else if (resultType == "i64")
    matches = ret.isInteger(64);
  else if (resultType == "f32")
    matches = ret.isF32();
  else
    return makeError("unknown entry point result type '" + resultType +
                     "' (expected void, i32, i64 or f32)");
  if (!matches)
    return makeError("entry function '" + name + "' returns '" +
                     typeToString(ret) + "', not " + resultType);
  llvm::SmallVector<void *, 1> packed;
  if (resultType != "void")
    packed.push_back(result);
  if (!catchFailedChecks)
    return engine->invokePacked(name, packed);
  // A failed cf.assert (or runtime check) in the entry becomes an error
  // rather than a crash report asking for a bug report.
  llvm::Expected<void (*)(void **)> entry = engine->lookupPacked(name);
  if (!entry)
    return entry.takeError();
  if (!callCatchingAbort(*entry, packed.data()))
    return makeError("entry function '" + name +
                     "' aborted: a cf.assert or runtime check failed (its "
                     "message is printed on stdout), or a library it calls "
                     "aborted (its message is on stderr)");
  return llvm::Error::success();
}
