// A full garbage collection on demand: thread mode's old zones live in SharedArrayBuffers that only GC frees.
import v8 from 'node:v8';
import vm from 'node:vm';
let gc = null;
/**
 * A SharedArrayBuffer's memory is freed when every thread that saw it has collected its wrapper.
 * A data thread's heap is small and rarely collects on its own, so a replaced zone (hundreds of MB
 * for a big zone) would stay mapped for a long time (bench/workers-sweep.mjs: +300 MB per reload).
 * One full GC of a small heap after each swap costs ~1-2 ms of that thread's time.
 */
export function collectGarbage() {
    if (!gc) {
        v8.setFlagsFromString('--expose-gc');
        gc = vm.runInNewContext('gc');
    }
    gc();
}
/** Collects soon, once the caller's stack (which may still hold the old zones) has unwound; repeated calls coalesce. */
let pending = null;
export function collectGarbageSoon(delayMs = 50) {
    if (pending)
        return;
    pending = setTimeout(() => {
        pending = null;
        collectGarbage();
    }, delayMs);
    pending.unref();
}
//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjozLCJmaWxlIjoiZ2MuanMiLCJzb3VyY2VSb290IjoiIiwic291cmNlcyI6WyJnYy50cyJdLCJuYW1lcyI6W10sIm1hcHBpbmdzIjoiQUFBQSw4R0FBOEc7QUFFOUcsT0FBTyxFQUFFLE1BQU0sU0FBUyxDQUFDO0FBQ3pCLE9BQU8sRUFBRSxNQUFNLFNBQVMsQ0FBQztBQUV6QixJQUFJLEVBQUUsR0FBd0IsSUFBSSxDQUFDO0FBRW5DOzs7OztHQUtHO0FBQ0gsTUFBTSxVQUFVLGNBQWM7SUFDNUIsSUFBSSxDQUFDLEVBQUUsRUFBRSxDQUFDO1FBQ1IsRUFBRSxDQUFDLGtCQUFrQixDQUFDLGFBQWEsQ0FBQyxDQUFDO1FBQ3JDLEVBQUUsR0FBRyxFQUFFLENBQUMsZUFBZSxDQUFDLElBQUksQ0FBZSxDQUFDO0lBQzlDLENBQUM7SUFDRCxFQUFFLEVBQUUsQ0FBQztBQUNQLENBQUM7QUFFRCx3SEFBd0g7QUFDeEgsSUFBSSxPQUFPLEdBQTBCLElBQUksQ0FBQztBQUMxQyxNQUFNLFVBQVUsa0JBQWtCLENBQUMsT0FBTyxHQUFHLEVBQUU7SUFDN0MsSUFBSSxPQUFPO1FBQUUsT0FBTztJQUNwQixPQUFPLEdBQUcsVUFBVSxDQUFDLEdBQUcsRUFBRTtRQUN4QixPQUFPLEdBQUcsSUFBSSxDQUFDO1FBQ2YsY0FBYyxFQUFFLENBQUM7SUFDbkIsQ0FBQyxFQUFFLE9BQU8sQ0FBQyxDQUFDO0lBQ1osT0FBTyxDQUFDLEtBQUssRUFBRSxDQUFDO0FBQ2xCLENBQUMiLCJzb3VyY2VzQ29udGVudCI6WyIvLyBBIGZ1bGwgZ2FyYmFnZSBjb2xsZWN0aW9uIG9uIGRlbWFuZDogdGhyZWFkIG1vZGUncyBvbGQgem9uZXMgbGl2ZSBpbiBTaGFyZWRBcnJheUJ1ZmZlcnMgdGhhdCBvbmx5IEdDIGZyZWVzLlxuXG5pbXBvcnQgdjggZnJvbSAnbm9kZTp2OCc7XG5pbXBvcnQgdm0gZnJvbSAnbm9kZTp2bSc7XG5cbmxldCBnYzogKCgpID0+IHZvaWQpIHwgbnVsbCA9IG51bGw7XG5cbi8qKlxuICogQSBTaGFyZWRBcnJheUJ1ZmZlcidzIG1lbW9yeSBpcyBmcmVlZCB3aGVuIGV2ZXJ5IHRocmVhZCB0aGF0IHNhdyBpdCBoYXMgY29sbGVjdGVkIGl0cyB3cmFwcGVyLlxuICogQSBkYXRhIHRocmVhZCdzIGhlYXAgaXMgc21hbGwgYW5kIHJhcmVseSBjb2xsZWN0cyBvbiBpdHMgb3duLCBzbyBhIHJlcGxhY2VkIHpvbmUgKGh1bmRyZWRzIG9mIE1CXG4gKiBmb3IgYSBiaWcgem9uZSkgd291bGQgc3RheSBtYXBwZWQgZm9yIGEgbG9uZyB0aW1lIChiZW5jaC93b3JrZXJzLXN3ZWVwLm1qczogKzMwMCBNQiBwZXIgcmVsb2FkKS5cbiAqIE9uZSBmdWxsIEdDIG9mIGEgc21hbGwgaGVhcCBhZnRlciBlYWNoIHN3YXAgY29zdHMgfjEtMiBtcyBvZiB0aGF0IHRocmVhZCdzIHRpbWUuXG4gKi9cbmV4cG9ydCBmdW5jdGlvbiBjb2xsZWN0R2FyYmFnZSgpOiB2b2lkIHtcbiAgaWYgKCFnYykge1xuICAgIHY4LnNldEZsYWdzRnJvbVN0cmluZygnLS1leHBvc2UtZ2MnKTtcbiAgICBnYyA9IHZtLnJ1bkluTmV3Q29udGV4dCgnZ2MnKSBhcyAoKSA9PiB2b2lkO1xuICB9XG4gIGdjKCk7XG59XG5cbi8qKiBDb2xsZWN0cyBzb29uLCBvbmNlIHRoZSBjYWxsZXIncyBzdGFjayAod2hpY2ggbWF5IHN0aWxsIGhvbGQgdGhlIG9sZCB6b25lcykgaGFzIHVud291bmQ7IHJlcGVhdGVkIGNhbGxzIGNvYWxlc2NlLiAqL1xubGV0IHBlbmRpbmc6IE5vZGVKUy5UaW1lb3V0IHwgbnVsbCA9IG51bGw7XG5leHBvcnQgZnVuY3Rpb24gY29sbGVjdEdhcmJhZ2VTb29uKGRlbGF5TXMgPSA1MCk6IHZvaWQge1xuICBpZiAocGVuZGluZykgcmV0dXJuO1xuICBwZW5kaW5nID0gc2V0VGltZW91dCgoKSA9PiB7XG4gICAgcGVuZGluZyA9IG51bGw7XG4gICAgY29sbGVjdEdhcmJhZ2UoKTtcbiAgfSwgZGVsYXlNcyk7XG4gIHBlbmRpbmcudW5yZWYoKTtcbn1cbiJdfQ==