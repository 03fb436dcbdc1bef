package dev.iamdb.spring;

import dev.iamdb.TransactionRetry;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionAttributeSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs a transactional method again when its transaction fails with an optimistic-concurrency conflict, through
 * core's {@link TransactionRetry}. The advice sits outside Spring's transaction advice (a higher precedence), so every
 * attempt is a transaction of its own; a method called inside a running transaction is left alone, and its conflict
 * reaches the outermost method, which starts the whole transaction again.
 */
final class TransactionRetryAdvice implements MethodInterceptor {
    /** Ahead of {@code @EnableTransactionManagement}'s default order, which is the lowest precedence. */
    static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    private final TransactionRetry plain;
    private final ObjectProvider<TransactionRetry.Listener> listeners;
    /**
     * {@code plain} with the listener beans, built at the first call: the advisor exists before any other bean. Listener
     * beans registered after that first call are not told.
     */
    private volatile TransactionRetry retry;

    private TransactionRetryAdvice(TransactionRetry plain, ObjectProvider<TransactionRetry.Listener> listeners) {
        this.plain = plain;
        this.listeners = listeners;
    }

    /**
     * Advice for the methods Spring runs in a transaction: those its {@code @Transactional} rules select. The
     * {@code listeners} beans, in their order, are told about every retry and outcome.
     */
    static Advisor advisor(TransactionRetry retry, ObjectProvider<TransactionRetry.Listener> listeners) {
        TransactionAttributeSource transactional = new AnnotationTransactionAttributeSource();
        DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(new StaticMethodMatcherPointcut() {
            @Override
            public boolean matches(Method method, Class<?> targetClass) {
                return transactional.getTransactionAttribute(method, targetClass) != null;
            }
        }, new TransactionRetryAdvice(retry, listeners));
        advisor.setOrder(ORDER);
        return advisor;
    }

    private TransactionRetry retry() {
        TransactionRetry r = retry;
        if (r == null) {
            r = plain;
            for (TransactionRetry.Listener listener : listeners.orderedStream().toList()) {
                r = r.withListener(listener);
            }
            retry = r;
        }
        return r;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return invocation.proceed();
        }
        return retry().call(() -> {
            try {
                return invocation.proceed();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                // Neither an Exception nor an Error: only a subclass of Throwable itself, which no transaction throws.
                throw new UndeclaredThrowableException(t);
            }
        });
    }
}
