/** `dlr-writer`: the name earlier releases gave the status writer; runs the same process. */
import './status-writer.js';
