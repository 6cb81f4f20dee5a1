package io.redisbreaker.sample.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The last exchange errors this instance saw, newest first: what an error report would consume.
 */
@Component
public class RecentErrors {

	private static final int KEPT = 20;

	private final Deque<ExchangeErrorEvent> errors = new ArrayDeque<>();

	@EventListener
	synchronized void on(ExchangeErrorEvent error) {
		this.errors.addFirst(error);
		while (this.errors.size() > KEPT) {
			this.errors.removeLast();
		}
	}

	public synchronized List<ExchangeErrorEvent> list() {
		return new ArrayList<>(this.errors);
	}

}
