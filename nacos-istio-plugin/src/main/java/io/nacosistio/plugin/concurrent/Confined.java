package io.nacosistio.plugin.concurrent;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * States that a type's state belongs to one thread or one serial context: only that one may call its methods,
 * unless a method's own comment says it is safe from any thread. Where the type checks it at run time, it does
 * so with {@link OwnerThread} or {@link SerialExecutor#throwIfNotInThisContext()}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Confined {

    /** The thread or context that owns the state, as named in docs/architecture.md's thread table. */
    String value();
}
