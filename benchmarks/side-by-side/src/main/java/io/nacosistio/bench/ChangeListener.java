package io.nacosistio.bench;

import com.alibaba.nacos.api.naming.pojo.Instance;

/** Hears of each registry change twice: just before the registry call and the moment it returned. */
interface ChangeListener {

    /** Change {@code seq} is about to give {@code service} the instance {@code changed}. */
    void expect(String service, long seq, Instance changed);

    /** The registry call that made change {@code seq} returned at {@code returnedAtNanos}. */
    void written(String service, long seq, long returnedAtNanos);
}
