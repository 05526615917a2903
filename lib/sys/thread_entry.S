/* thread_entry.S - where a thread made by mica_thread_spawn starts: its
 * stack holds fn, arg and its own slot (thread.c); after the three pops
 * the stack is 16-byte aligned again, as the call wants. */
	.text
	.global mica_thread_entry
mica_thread_entry:
	pop %rdi
	pop %rsi
	pop %rdx
	add $8, %rsp
	call mica_thread_main
	ud2
