// Each collection starts a whole app (DCP, dashboard, Redis, four service processes): one at a time on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
