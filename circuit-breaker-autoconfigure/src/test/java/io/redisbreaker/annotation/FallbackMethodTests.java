package io.redisbreaker.annotation;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.asm.ClassWriter;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.asm.Type;
import org.springframework.cglib.proxy.Enhancer;
import org.springframework.cglib.proxy.NoOp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FallbackMethodTests {

	private static final Object[] ARGS = { "upbit" };

	@Test
	void closestExceptionTypeWins() throws Throwable {
		FallbackMethod fallback = resolve(Layered.class, "fetch", "fallback");
		Layered target = new Layered();

		assertThat(fallback.invoke(target, ARGS, new FileNotFoundException())).isEqualTo(new Ticker("io:upbit"));
		assertThat(fallback.invoke(target, ARGS, new IllegalStateException())).isEqualTo(new Ticker("exception:upbit"));
		assertThat(fallback.invoke(target, ARGS, new AssertionError())).isEqualTo(new Ticker("throwable:upbit"));
	}

	@Test
	void failureNoCandidateTakesIsRethrownUnchanged() {
		FallbackMethod fallback = resolve(IoOnly.class, "fetch", "fallback");
		IllegalStateException failure = new IllegalStateException("boom");

		assertThat(fallback.handles(failure)).isFalse();
		assertThatThrownBy(() -> fallback.invoke(new IoOnly(), ARGS, failure)).isSameAs(failure);
	}

	@Test
	void handlesSubtypesOfACandidatesExceptionType() {
		FallbackMethod fallback = resolve(IoOnly.class, "fetch", "fallback");

		assertThat(fallback.handles(new FileNotFoundException())).isTrue();
		assertThat(fallback.handles(new IOException())).isTrue();
		assertThat(fallback.handles(new Exception())).isFalse();
	}

	@Test
	void privateFallbackIsInvokedOnTheGivenTarget() throws Throwable {
		FallbackMethod fallback = resolve(PrivateFallback.class, "fetch", "fallback");
		PrivateFallback target = new PrivateFallback("cached");

		assertThat(fallback.invoke(target, ARGS, new IOException())).isEqualTo(new Ticker("cached:upbit"));
	}

	@Test
	void fallbackDeclaredInSuperclassIsFound() throws Throwable {
		FallbackMethod fallback = resolve(InheritsFallback.class, "fetch", "fallback");

		assertThat(fallback.invoke(new InheritsFallback(), ARGS, new IOException())).isEqualTo(new Ticker("base:upbit"));
	}

	@Test
	void overrideInSubclassIsNotAmbiguousAndWins() throws Throwable {
		FallbackMethod fallback = resolve(OverridesFallback.class, "fetch", "fallback");

		assertThat(fallback.invoke(new OverridesFallback(), ARGS, new IOException()))
			.isEqualTo(new Ticker("override:upbit"));
	}

	@Test
	void genericOverrideHidesTheErasedSuperclassCandidate() throws Throwable {
		// The superclass's fallback(String, Exception) is overridden through a bridge that
		// casts to IOException, so it must not be chosen for other exceptions.
		FallbackMethod fallback = resolve(IoSpecialised.class, "fetch", "fallback");
		IllegalStateException failure = new IllegalStateException();

		assertThat(fallback.invoke(new IoSpecialised(), ARGS, new IOException())).isEqualTo(new Ticker("io:upbit"));
		assertThatThrownBy(() -> fallback.invoke(new IoSpecialised(), ARGS, failure)).isSameAs(failure);
	}

	@Test
	void cglibSubclassIsReducedToTheUserClass() throws Throwable {
		Enhancer enhancer = new Enhancer();
		enhancer.setSuperclass(PublicFallback.class);
		enhancer.setCallbackType(NoOp.class);
		Class<?> proxyClass = enhancer.createClass();
		FallbackMethod fallback = FallbackMethod.resolve(proxyClass, method(PublicFallback.class, "fetch"), "fallback");

		assertThat(fallback.invoke(new PublicFallback(), ARGS, new IOException())).isEqualTo(new Ticker("public:upbit"));
	}

	@Test
	void wrongReturnTypeFailsNamingTheMethodAndTheExpectedType() {
		assertThatIllegalStateException().isThrownBy(() -> resolve(WrongReturnType.class, "fetch", "fallback"))
			.withMessageContaining(WrongReturnType.class.getName() + "#fetch(String)")
			.withMessageContaining("'fallback'")
			.withMessageContaining("fallback(String, Exception) but returns String, expected Ticker");
	}

	@Test
	void missingFallbackFailsNamingTheMethodTheFallbackAndTheSignature() {
		assertThatIllegalStateException().isThrownBy(() -> resolve(IoOnly.class, "fetch", "recover"))
			.withMessageStartingWith("No fallback method 'recover' for @CircuitProtected method "
					+ IoOnly.class.getName() + "#fetch(String)")
			.withMessageContaining("expected Ticker recover(String, Throwable)")
			.withMessageNotContaining("found");
	}

	@Test
	void wrongShapesAreListedInTheError() {
		assertThatIllegalStateException().isThrownBy(() -> resolve(WrongShapes.class, "fetch", "fallback"))
			.withMessageEndingWith("; found fallback(Integer, Exception) but its parameters should be"
					+ " (String, Throwable or a subtype); fallback(String) but it lacks a trailing Throwable parameter;"
					+ " fallback(String, String) but its last parameter String is not a Throwable");
	}

	@Test
	void twoCandidatesForTheSameExceptionTypeAreAmbiguous() throws Exception {
		// javac cannot emit this, but other JVM compilers and bytecode tools can.
		Class<?> generated = twoFallbacksTakingIOException();

		assertThatIllegalStateException()
			.isThrownBy(() -> FallbackMethod.resolve(generated, method(ReturnsObject.class, "fetch"), "fallback"))
			.withMessage("Ambiguous fallback 'fallback' for @CircuitProtected method " + generated.getName()
					+ "#fetch(String): Object fallback(String, IOException) and String fallback(String, IOException) both handle"
					+ " java.io.IOException; keep exactly one fallback per exception type");
	}

	@Test
	void voidMethodTakesVoidFallback() throws Throwable {
		FallbackMethod fallback = resolve(VoidMethods.class, "send", "fallback");
		VoidMethods target = new VoidMethods();

		assertThat(fallback.invoke(target, ARGS, new IOException())).isNull();
		assertThat(target.fallbacks).containsExactly("upbit");
	}

	@Test
	void voidMethodRejectsNonVoidFallback() {
		assertThatIllegalStateException().isThrownBy(() -> resolve(VoidMethods.class, "send", "valued"))
			.withMessageContaining("expected void valued(String, Throwable)")
			.withMessageContaining("valued(String, Exception) but returns String, expected void");
	}

	@Test
	void primitiveReturnTypesMatchTheirWrappers() throws Throwable {
		assertThat(resolve(Primitives.class, "count", "primitive").invoke(new Primitives(), ARGS, new IOException()))
			.isEqualTo(1);
		assertThat(resolve(Primitives.class, "count", "boxed").invoke(new Primitives(), ARGS, new IOException()))
			.isEqualTo(2);
		assertThatIllegalStateException().isThrownBy(() -> resolve(Primitives.class, "count", "widened"))
			.withMessageContaining("but returns long, expected int");
	}

	@Test
	void completionStageMethodTakesCompletableFutureFallback() throws Throwable {
		Object result = resolve(Async.class, "fetch", "fallback").invoke(new Async(), ARGS, new IOException());

		assertThat(result).isInstanceOf(CompletableFuture.class);
		assertThat(((CompletableFuture<?>) result).join()).isEqualTo(new Ticker("async:upbit"));
	}

	@Test
	void completionStageMethodRejectsPlainValueFallback() {
		assertThatIllegalStateException().isThrownBy(() -> resolve(Async.class, "fetch", "plain"))
			.withMessageContaining("but returns String, expected CompletionStage");
	}

	@Test
	void monoMethodTakesMonoFallback() throws Throwable {
		Object result = resolve(Reactive.class, "fetch", "fallback").invoke(new Reactive(), ARGS, new IOException());

		assertThat(result).isInstanceOf(Mono.class);
		assertThat(((Mono<?>) result).block()).isEqualTo(new Ticker("mono:upbit"));
		assertThatIllegalStateException().isThrownBy(() -> resolve(Reactive.class, "fetch", "blocking"))
			.withMessageContaining("but returns Ticker, expected Mono");
	}

	@Test
	void fallbacksOwnExceptionPropagatesUnwrapped() {
		FallbackMethod fallback = resolve(ThrowingFallback.class, "fetch", "fallback");

		assertThatThrownBy(() -> fallback.invoke(new ThrowingFallback(), ARGS, new IOException("original")))
			.isExactlyInstanceOf(FileNotFoundException.class)
			.hasMessage("from fallback");
	}

	@Test
	void methodWithoutParametersTakesFallbackWithOnlyTheThrowable() throws Throwable {
		FallbackMethod fallback = resolve(NoParameters.class, "fetch", "fallback");

		assertThat(fallback.invoke(new NoParameters(), new Object[0], new IOException())).isEqualTo(new Ticker("none"));
	}

	@Test
	void nullArgumentsArePassedThrough() throws Throwable {
		FallbackMethod fallback = resolve(IoOnly.class, "fetch", "fallback");

		assertThat(fallback.invoke(new IoOnly(), new Object[] { null }, new IOException())).isEqualTo(new Ticker("io:null"));
	}

	@Test
	void wrongArgumentCountFailsClearly() {
		FallbackMethod fallback = resolve(IoOnly.class, "fetch", "fallback");

		assertThatIllegalArgumentException()
			.isThrownBy(() -> fallback.invoke(new IoOnly(), new Object[0], new IOException()))
			.withMessageContaining("needs the 1 argument(s) of " + IoOnly.class.getName() + "#fetch(String) but got 0");
	}

	private static FallbackMethod resolve(Class<?> type, String methodName, String fallbackName) {
		return FallbackMethod.resolve(type, method(type, methodName), fallbackName);
	}

	private static Method method(Class<?> type, String name) {
		for (Class<?> current = type; current != null; current = current.getSuperclass()) {
			for (Method method : current.getDeclaredMethods()) {
				if (method.getName().equals(name) && !method.isBridge()) {
					return method;
				}
			}
		}
		throw new IllegalArgumentException("No method " + name + " in " + type);
	}

	/** A class with {@code Object fetch(String)}, {@code String fallback(String, IOException)} and {@code Object fallback(String, IOException)}. */
	private static Class<?> twoFallbacksTakingIOException() {
		String name = FallbackMethodTests.class.getName() + "$GeneratedAmbiguous";
		ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
		writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name.replace('.', '/'), null, "java/lang/Object", null);
		String string = Type.getDescriptor(String.class);
		String object = Type.getDescriptor(Object.class);
		String io = Type.getDescriptor(IOException.class);
		returnFirstArgument(writer, "fetch", "(" + string + ")" + object);
		returnFirstArgument(writer, "fallback", "(" + string + io + ")" + string);
		returnFirstArgument(writer, "fallback", "(" + string + io + ")" + object);
		writer.visitEnd();
		byte[] bytes = writer.toByteArray();
		return new ClassLoader(FallbackMethodTests.class.getClassLoader()) {
			Class<?> define() {
				return defineClass(name, bytes, 0, bytes.length);
			}
		}.define();
	}

	private static void returnFirstArgument(ClassWriter writer, String name, String descriptor) {
		MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC, name, descriptor, null, null);
		method.visitCode();
		method.visitVarInsn(Opcodes.ALOAD, 1);
		method.visitInsn(Opcodes.ARETURN);
		method.visitMaxs(0, 0);
		method.visitEnd();
	}

	record Ticker(String value) {
	}

	static class Layered {

		Ticker fetch(String exchange) {
			throw new UnsupportedOperationException();
		}

		Ticker fallback(String exchange, IOException ex) {
			return new Ticker("io:" + exchange);
		}

		Ticker fallback(String exchange, Exception ex) {
			return new Ticker("exception:" + exchange);
		}

		Ticker fallback(String exchange, Throwable ex) {
			return new Ticker("throwable:" + exchange);
		}

	}

	static class IoOnly {

		Ticker fetch(String exchange) {
			throw new UnsupportedOperationException();
		}

		Ticker fallback(String exchange, IOException ex) {
			return new Ticker("io:" + exchange);
		}

	}

	static class PrivateFallback {

		private final String prefix;

		PrivateFallback(String prefix) {
			this.prefix = prefix;
		}

		Ticker fetch(String exchange) {
			throw new UnsupportedOperationException();
		}

		@SuppressWarnings("unused")
		private Ticker fallback(String exchange, Exception ex) {
			return new Ticker(this.prefix + ":" + exchange);
		}

	}

	static class FallbackBase {

		@SuppressWarnings("unused")
		private Ticker fallback(String exchange, Exception ex) {
			return new Ticker("base:" + exchange);
		}

	}

	static class InheritsFallback extends FallbackBase {

		Ticker fetch(String exchange) {
			throw new UnsupportedOperationException();
		}

	}

	static class OverridableBase {

		protected Ticker fallback(String exchange, Exception ex) {
			return new Ticker("base:" + exchange);
		}

	}

	static class OverridesFallback extends OverridableBase {

		Ticker fetch(String exchange) {
			throw new UnsupportedOperationException();
		}

		@Override
		protected Ticker fallback(String exchange, Exception ex) {
			return new Ticker("override:" + exchange);
		}

	}

	static class GenericBase<E extends Exception> {

		Ticker fallback(String exchange, E ex) {
			return new Ticker("generic:" + exchange);
		}

	}

	static class IoSpecialised extends GenericBase<IOException> {

		Ticker fetch(String exchange) {
			throw new UnsupportedOperationException();
		}

		@Override
		Ticker fallback(String exchange, IOException ex) {
			return new Ticker("io:" + exchange);
		}

	}

	public static class PublicFallback {

		public Ticker fetch(String exchange) {
			throw new UnsupportedOperationException();
		}

		public Ticker fallback(String exchange, Exception ex) {
			return new Ticker("public:" + exchange);
		}

	}

	static class WrongReturnType {

		Ticker fetch(String exchange) {
			throw new UnsupportedOperationException();
		}

		String fallback(String exchange, Exception ex) {
			return exchange;
		}

	}

	static class WrongShapes {

		Ticker fetch(String exchange) {
			throw new UnsupportedOperationException();
		}

		Ticker fallback(String exchange) {
			return new Ticker(exchange);
		}

		Ticker fallback(String exchange, String reason) {
			return new Ticker(exchange + reason);
		}

		Ticker fallback(Integer exchange, Exception ex) {
			return new Ticker(String.valueOf(exchange));
		}

	}

	static class ReturnsObject {

		Object fetch(String exchange) {
			throw new UnsupportedOperationException();
		}

	}

	static class VoidMethods {

		final List<String> fallbacks = new ArrayList<>();

		void send(String exchange) {
			throw new UnsupportedOperationException();
		}

		void fallback(String exchange, Exception ex) {
			this.fallbacks.add(exchange);
		}

		String valued(String exchange, Exception ex) {
			return exchange;
		}

	}

	static class Primitives {

		int count(String exchange) {
			throw new UnsupportedOperationException();
		}

		int primitive(String exchange, Exception ex) {
			return 1;
		}

		Integer boxed(String exchange, Exception ex) {
			return 2;
		}

		long widened(String exchange, Exception ex) {
			return 3L;
		}

	}

	static class Async {

		CompletionStage<Ticker> fetch(String exchange) {
			throw new UnsupportedOperationException();
		}

		CompletableFuture<Ticker> fallback(String exchange, Exception ex) {
			return CompletableFuture.completedFuture(new Ticker("async:" + exchange));
		}

		String plain(String exchange, Exception ex) {
			return exchange;
		}

	}

	static class Reactive {

		Mono<Ticker> fetch(String exchange) {
			return Mono.error(new UnsupportedOperationException());
		}

		Mono<Ticker> fallback(String exchange, Exception ex) {
			return Mono.just(new Ticker("mono:" + exchange));
		}

		Ticker blocking(String exchange, Exception ex) {
			return new Ticker(exchange);
		}

	}

	static class ThrowingFallback {

		Ticker fetch(String exchange) {
			throw new UncheckedIOException(new IOException());
		}

		Ticker fallback(String exchange, Exception ex) throws FileNotFoundException {
			throw new FileNotFoundException("from fallback");
		}

	}

	static class NoParameters {

		Ticker fetch() {
			throw new UnsupportedOperationException();
		}

		Ticker fallback(Throwable ex) {
			return new Ticker("none");
		}

	}

}
