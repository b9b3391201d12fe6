"""Generation over several replicas with Ray: every GPU of this machine, or a Ray cluster.

A replica is a Ray actor that owns one loaded model on one device. A job's batches are spread
over the replicas; each batch keeps the seed it has on a single worker (seed + batch index), so
the same seed gives the same images whatever the number of replicas. Qt-free; Ray is imported
only when a cluster is used (`pip install -e .[cluster]`), and `where` needs neither Ray nor
torch.
"""
