// work.js - JIT frames for the perf.data tests (node --perf-basic-prof).
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
const sortWords = (n) => {
	const a = [];
	for (let i = 0; i < n; i++) a.push(((i * 7919) % 1000).toString(36));
	return a.sort().length;
};
const end = Date.now() + 400;
let s = 0;
while (Date.now() < end) s += fib(20) + sortWords(2000);
console.log(s & 1);
