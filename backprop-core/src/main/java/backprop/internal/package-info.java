/** Small helpers shared by the packages of core (preconditions, formatting); not API. */
package backprop.internal;
